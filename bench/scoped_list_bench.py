"""The lot list scoped to a user's offices against the unscoped (national) one, side by side in
one run (issue 17, item 4: target within 1.2x).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/igt_scoped \\
        .venv/bin/python bench/scoped_list_bench.py --lots 1000000 [--fresh] [--repeat 7]

Data: bench/generate_lots.py (5 offices, about 4 lots per seizure). Users: `bench` (superuser:
national, the unscoped list), `bench-one` (warehouse staff of one office: about a fifth of the
lots), `bench-all` (warehouse staff of all five offices: every lot, the filter's worst case).
Each request is the lot list of the page (`/lots/`) or the API (`/api/v1/lots/`): one page of 50
rows in reference order and the count; the same request with a filter (`?status=in_storage`).
Requests run alternately (national, scoped, national, ...), median of --repeat after a
warm-up each.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_lots  # noqa: E402

URLS = ("/lots/", "/api/v1/lots/", "/lots/?status=in_storage", "/api/v1/lots/?status=in_storage")


def scoped_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from project.roles import WAREHOUSE_STAFF
    from seizures.models import CustomsOffice, UserAccess

    users = {}
    offices = list(CustomsOffice.objects.order_by("code"))
    for name, reach in (("bench-one", offices[:1]), ("bench-all", offices)):
        user, _ = get_user_model().objects.get_or_create(username=name)
        user.groups.set([Group.objects.get(name=WAREHOUSE_STAFF)])
        access, _ = UserAccess.objects.get_or_create(user=user)
        access.offices.set(reach)
        users[name] = user
    users["bench"] = get_user_model().objects.get(username="bench")
    return users


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args()
    generate_lots.setup_django()

    from django.conf import settings
    from django.db import connection

    from seizures.models import Lot

    if options.fresh:
        generate_lots.recreate_database()
    generate_lots.migrate()
    if not Lot.objects.exists():
        print(f"Generating {options.lots:,} lots on {connection.vendor} ...")
        generate_lots.generate(options.lots)
    settings.DEBUG = False
    with connection.cursor() as cursor:
        # After a bulk load: the visibility map and planner statistics autovacuum would set.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    users = scoped_users()
    clients = {name: client_for(user) for name, user in users.items()}
    total = Lot.objects.count()
    one = Lot.objects.visible_to(users["bench-one"]).count()
    print(
        f"{connection.vendor}, {total:,} lots; one office sees {one:,}; median of {options.repeat}"
    )
    print(
        f"{'list':<34} {'national':>9} {'1 office':>9} {'ratio':>6} {'5 offices':>9} {'ratio':>6}"
    )
    for url in URLS:
        for client in clients.values():
            timed(client, url)  # warm-up
        times = {name: [] for name in clients}
        for _ in range(options.repeat):
            for name, client in clients.items():
                times[name].append(timed(client, url))
        median = {name: statistics.median(values) for name, values in times.items()}
        national = median["bench"]
        print(
            f"{url:<34} {national * 1000:>7.0f}ms {median['bench-one'] * 1000:>7.0f}ms "
            f"{median['bench-one'] / national:>5.2f}x {median['bench-all'] * 1000:>7.0f}ms "
            f"{median['bench-all'] / national:>5.2f}x"
        )


if __name__ == "__main__":
    main()
