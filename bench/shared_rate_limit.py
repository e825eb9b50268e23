"""Several app servers share one rate limit through Redis (issue 16): two gunicorn instances on
loopback ports, the same REDIS_URL, clients sending the public certificate verification page
requests to both at once. The verification limit (VERIFY_RATE) must hold across the two: no more
than the limit answered, the rest refused with 429, on both instances.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/shared_rate_limit.py \\
        [--limit 30] [--requests 200] [--clients 8] [--workers 2]

Bounded: loopback only, at most --requests requests. The instances use DATABASE_URL when set
(a migrated database), else a fresh SQLite file migrated first. Each run counts under a key
prefix of its own, so runs do not share counts. tests/project/test_shared_rate_limit.py runs it
small.
"""

import argparse
import concurrent.futures
import itertools
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not start within {timeout} s")


@contextmanager
def app_servers(environment: dict[str, str], count: int, workers: int) -> Iterator[list[int]]:
    """`count` gunicorn instances of the project on free loopback ports; stopped on exit."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(  # noqa: S603 - our own app server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "project.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=environment,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(port, process)
            # The first request of a worker imports the URLs and compiles templates (seconds on
            # a busy machine): a page outside the limit warms them before the load starts.
            for _ in range(2 * workers):
                get_status(f"http://127.0.0.1:{port}/verify/")
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_load(
    ports: Sequence[int], *, requests: int, clients: int, path: str = "/verify/UNKNOWN-CODE/"
) -> dict[int, Counter]:
    """`requests` GETs spread over the instances in turn, `clients` at a time; statuses
    counted per port."""
    targets = list(itertools.islice(itertools.cycle(ports), requests))
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        statuses = list(
            pool.map(lambda port: get_status(f"http://127.0.0.1:{port}{path}"), targets)
        )
    counts: dict[int, Counter] = {port: Counter() for port in ports}
    for port, status in zip(targets, statuses, strict=True):
        counts[port][status] += 1
    return counts


def environment_for(
    *, redis_url: str, database_url: str, limit: int, prefix: str | None = None
) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix or f"ratebench-{secrets.token_hex(4)}",
        "VERIFY_RATE": f"{limit}/hour",
    }


def migrated_sqlite(directory: Path) -> str:
    url = f"sqlite:///{directory / 'rate.sqlite3'}"
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=30, help="verifications allowed per hour")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    options = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if not redis_reachable(redis_url):
        sys.exit(f"Redis is not reachable at {redis_url}")
    with tempfile.TemporaryDirectory() as directory:
        database_url = os.environ.get("DATABASE_URL") or migrated_sqlite(Path(directory))
        environment = environment_for(
            redis_url=redis_url, database_url=database_url, limit=options.limit
        )
        with app_servers(environment, 2, options.workers) as ports:
            started = time.perf_counter()
            counts = run_load(ports, requests=options.requests, clients=options.clients)
            elapsed = time.perf_counter() - started
    print("\n| instance | answered | refused (429) | other |\n|---|---:|---:|---:|")
    for port, counted in counts.items():
        refused = counted[429]
        answered = sum(n for status, n in counted.items() if status in (200, 404))
        other = sum(counted.values()) - refused - answered
        print(f"| 127.0.0.1:{port} | {answered} | {refused} | {other} |")
    answered = sum(c[404] + c[200] for c in counts.values())
    print(
        f"\n{options.requests} requests, {options.clients} at a time, in {elapsed:.1f} s: "
        f"{answered} answered across both instances, limit {options.limit}."
    )
    if answered != options.limit:
        sys.exit("The limit did not hold across the instances.")


if __name__ == "__main__":
    main()
