"""Twenty seizures posted to the API at the same moment, against a file-backed SQLite database
configured by project.settings (pytest-django's in-memory test database cannot show locking).

Run by tests/project/test_sqlite_concurrency.py in a fresh process:
`python -m tests.project.sqlite_writers <database file>`; prints a JSON summary.
"""

import io
import json
import os
import sys
import threading

WRITERS = 20


def main(database: str) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from project.roles import WAREHOUSE_STAFF
    from seizures.custody import verify_chains
    from seizures.models import CustodyEvent, Lot, Seizure, UserAccess
    from tests.factories import UserFactory
    from tests.seizures.factories import CustomsOfficeFactory

    call_command("migrate", verbosity=0)
    user = UserFactory(username="writer")
    user.groups.add(Group.objects.get(name=WAREHOUSE_STAFF))
    office = CustomsOfficeFactory(code="BRU")
    UserAccess.objects.create(user=user).offices.add(office)
    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    start = threading.Barrier(WRITERS, timeout=30)
    outcomes: list = [None] * WRITERS

    def post(index: int) -> None:
        # A 500 answers as it would on a server, instead of raising in this thread.
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        payload = {
            "office": office.pk,
            "detained_on": "2026-03-02",
            "transport_mode": "air",
            "provenance_country": "CN",
            "ipr_type": "eu_trade_mark",
            "customs_procedure": "free_circulation",
            "action_type": "ex_officio",
            "legal_route": "standard",
            "lots": [
                {
                    "category": "3a",
                    "description": f"T-shirts {index}",
                    "articles": 10,
                    "gross_weight_kg": "3",
                },
                {
                    "category": "3a",
                    "description": f"Caps {index}",
                    "articles": 5,
                    "gross_weight_kg": "1",
                },
            ],
        }
        try:
            start.wait()
            response = client.post("/api/v1/seizures/", payload, format="json")
            outcomes[index] = [response.status_code, response.content.decode()[:300]]
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = [0, repr(error)]
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    verify_output = io.StringIO()
    call_command("verify_custody", stdout=verify_output)
    return {
        "verify_custody": verify_output.getvalue().strip(),
        "journal_mode": journal_mode,
        "outcomes": outcomes,
        "seizures": Seizure.objects.count(),
        "references": sorted(Seizure.objects.values_list("reference", flat=True)),
        "lots": Lot.objects.count(),
        "created_events": CustodyEvent.objects.filter(kind="created").count(),
        "broken_chains": [str(link) for link in verify_chains()],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
