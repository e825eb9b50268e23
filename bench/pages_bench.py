"""Pages at scale: every list page, the occupancy page, the dashboard and the main list API
endpoints, timed at a small and a large number of lots in one run (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/igt_bench \\
        .venv/bin/python bench/pages_bench.py --small 10000 --large 1000000 [--fresh] \\
        [--rounds 3] [--repeat 3]

Each size has a database of its own, named after DATABASE_URL's with the size appended
(igt_bench_10000, igt_bench_1000000); `--fresh` regenerates them with bench/generate_lots.py
(without it, a database that holds lots is reused). The two sizes are measured side by side:
`--rounds` times, alternately (small then large, then large then small, ...), a subprocess per
size makes one warm-up request per URL, then `--repeat` requests per URL through Django's test
client, logged in as the generator's superuser (who sees every dashboard panel), with the
queries of each request counted. Alternating keeps a change in the shared machine's load from
landing on one size only. The table gives the median time at the large size over the median at
the small one (target <= 2x) and both query counts (target: equal).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 2.0

PAGES = (
    "/",
    "/seizures/",
    "/lots/",
    "/storage/ageing/",
    "/custody/",
    "/storage/warehouses/",
    "/storage/warehouses/{warehouse}/",
    "/storage/locations/",
    "/right-holders/",
    "/orders/",
    "/orders/plan/",
    "/orders/approvals/",
    "/facilities/",
    "/certificates/",
    "/reviews/",
    "/reviews/decisions/",
    "/compliance/checks/",
    "/audit/",
)
API = (
    "/api/v1/seizures/",
    "/api/v1/lots/",
    "/api/v1/custody-events/",
    "/api/v1/destruction-orders/",
    "/api/v1/certificates/",
    "/api/v1/locations/",
    "/api/v1/warehouses/",
)


def database_url(base: str, lots: int) -> str:
    parts = urlsplit(base)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        return urlunsplit(parts._replace(path=str(path.with_name(f"{path.stem}_{lots}.sqlite3"))))
    return urlunsplit(parts._replace(path=f"{parts.path}_{lots}"))


def run_child(arguments: list[str], url: str) -> str:
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, *arguments], env=environment, check=True, capture_output=True, text=True
    )
    return result.stdout


def prepare(url: str, lots: int, fresh: bool) -> None:
    """Generate the data of one size unless its database already holds it."""
    if not fresh:
        try:
            held = int(run_child([__file__, "--count"], url).strip() or 0)
        except subprocess.CalledProcessError:
            held = 0
        if held >= lots:
            return
    started = time.perf_counter()
    output = run_child(
        [str(HERE / "generate_lots.py"), "--lots", str(lots), "--fresh"], url
    ).strip()
    last = output.splitlines()[-1] if output else ""
    print(f"generated {lots:,} lots in {time.perf_counter() - started:.0f} s: {last}", flush=True)


def count_lots() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from seizures.models import Lot

    print(Lot.objects.count())


def measure(repeat: int, vacuum: bool) -> None:
    """In the child: time every URL, print {url: [[seconds, ...], queries, status]} as JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    if vacuum and connection.vendor == "postgresql":
        # As autovacuum does on a live database after a bulk load: the visibility map lets
        # the capped counts read their indexes alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    from django.contrib.auth import get_user_model

    from seizures.models import Warehouse

    user = get_user_model().objects.get(username="bench")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    warehouse = Warehouse.objects.order_by("code").first()
    urls = [page.format(warehouse=warehouse.pk) for page in PAGES] + list(API)
    timings: dict[str, list[float]] = {url: [] for url in urls}
    queries: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for round_number in range(repeat + 1):
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            statuses[url] = response.status_code
            # The fewest: once a minute a request also refreshes the session (3 more queries).
            queries[url] = min(queries.get(url, len(captured)), len(captured))
            if round_number:  # the first round warms caches and connections
                timings[url].append(elapsed)
    print(json.dumps({url: [timings[url], queries[url], statuses[url]] for url in urls}))


def measure_alternately(
    base: str, sizes: tuple[int, int], rounds: int, repeat: int
) -> list[dict[str, list]]:
    """Measure both sizes `rounds` times, alternating which goes first; per URL, the median of
    every timed request, the fewest queries and the last status."""
    pooled: dict[int, dict[str, list]] = {lots: {} for lots in sizes}
    for round_number in range(rounds):
        order = sizes if round_number % 2 == 0 else sizes[::-1]
        for lots in order:
            arguments = [__file__, "--measure", "--repeat", str(repeat)]
            if round_number:  # vacuumed in the first round already
                arguments.append("--no-vacuum")
            result = json.loads(run_child(arguments, database_url(base, lots)))
            for url, (timings, queries, status) in result.items():
                held = pooled[lots].setdefault(url, [[], queries, status])
                held[0].extend(timings)
                held[1] = min(held[1], queries)
                held[2] = status
    return [
        {url: [statistics.median(t), q, s] for url, (t, q, s) in pooled[lots].items()}
        for lots in sizes
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two sizes")
    parser.add_argument("--repeat", type=int, default=3, help="requests per URL in a round")
    parser.add_argument("--fresh", action="store_true", help="regenerate both databases")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-vacuum", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.repeat, vacuum=not options.no_vacuum)
        return
    if options.count:
        count_lots()
        return
    base = os.environ.get("DATABASE_URL")
    if not base:
        parser.error("set DATABASE_URL (each size gets a database named after it)")
    sizes = (options.small, options.large)
    for lots in sizes:
        prepare(database_url(base, lots), lots, options.fresh)
    small, large = measure_alternately(base, sizes, options.rounds, options.repeat)
    print(
        f"\n| URL | {options.small:,} lots | {options.large:,} lots | ratio | queries "
        "(small / large) |\n|---|---:|---:|---:|---|"
    )
    failures = []
    for url in small:
        small_time, small_queries, small_status = small[url]
        large_time, large_queries, large_status = large[url]
        ratio = large_time / small_time
        verdict = "" if ratio <= TARGET_RATIO and small_queries == large_queries else " (!)"
        if verdict or small_status != 200 or large_status != 200:
            failures.append(url)
        print(
            f"| `{url}` | {small_time * 1000:.0f} ms | {large_time * 1000:.0f} ms | "
            f"{ratio:.2f}x{verdict} | {small_queries} / {large_queries} |"
        )
    if failures:
        print(f"\nOver target or not 200: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
