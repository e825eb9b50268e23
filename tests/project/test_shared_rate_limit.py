"""Two app servers sharing Redis share the verification rate limit (issue 16): a small run of
bench/shared_rate_limit.py, two gunicorn instances on loopback ports, clients on both at once."""

import importlib.util
import os
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.environment import skip_or_fail

BENCH = Path(__file__).resolve().parents[2] / "bench" / "shared_rate_limit.py"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def load_bench():
    spec = importlib.util.spec_from_file_location("shared_rate_limit", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def database_url_for_app_servers(directory: Path) -> str:
    """The test database as the app servers can open it: SQLite copied to a file (the test
    database lives in memory), PostgreSQL by its test database's name."""
    if connection.vendor == "sqlite":
        path = directory / "shared.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return f"sqlite:///{path}"
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_sharing_redis_refuse_verifications_over_one_limit(tmp_path):
    bench = load_bench()
    if not bench.redis_reachable(REDIS_URL):
        skip_or_fail(f"needs Redis at {REDIS_URL} (set REDIS_URL)")
    environment = bench.environment_for(
        redis_url=REDIS_URL, database_url=database_url_for_app_servers(tmp_path), limit=6
    )
    with bench.app_servers(environment, 2, workers=2) as ports:
        counts = bench.run_load(ports, requests=30, clients=4)

    answered = {port: counted[404] for port, counted in counts.items()}
    refused = {port: counted[429] for port, counted in counts.items()}
    assert sum(answered.values()) == 6
    assert sum(refused.values()) == 24
    # Both instances refused: each counted the other's requests.
    assert all(refused.values())
    assert sum(sum(c.values()) for c in counts.values()) == 30
