"""Benchmark: CSV bulk intake of 10,000 lots versus a plain bulk_create of the same rows.

Both sides start from the same CSV bytes. The baseline parses the rows with csv.DictReader and
bulk-creates the seizures and lots with no validation, no references computed against the
database, no placement checks and no custody events (then rolls back). The import is the real
service: every row validated, references and deadlines computed, locations locked and checked,
lots and one hash-chained custody event per lot bulk-created in one transaction.

Each round also imports the file with the statistics rollup hook off
(settings.STATISTICS_ROLLUP_CHANGE = ""): the import with rollups stays within 3x of
bulk_create, and the rollups' own share is the ratio with / without.

A first round on each side is run and not counted (imports, caches and the rulebook loaded
once), as timeit would.

Run:  .venv/bin/python bench/intake_bench.py [--lots 10000] [--rounds 3]
A fresh SQLite file is used unless DATABASE_URL is set (then that database's tables are used:
point it at a scratch database).
"""

import argparse
import csv
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="igt-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def reference_data():
    from django.contrib.auth import get_user_model

    from seizures.models import (
        CustomsOffice,
        RightHolder,
        StorageLocation,
        UserAccess,
        Warehouse,
        ZoneType,
    )

    office, _ = CustomsOffice.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench postal hub", "country": "BE"}
    )
    RightHolder.objects.get_or_create(
        name="Bench Brands SA", defaults={"small_consignment_opt_in": True}
    )
    warehouse, _ = Warehouse.objects.get_or_create(
        code="BENCH-W", defaults={"name": "Bench warehouse", "office": office}
    )
    for code, zone, classes in (
        ("BENCH-GEN", ZoneType.NON_HAZARDOUS, []),
        ("BENCH-FL", ZoneType.HAZARDOUS, ["2.1", "3"]),
    ):
        StorageLocation.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "warehouse": warehouse,
                "zone_type": zone,
                "accepted_hazard_classes": classes,
                "capacity_kg": None,
            },
        )
    user, _ = get_user_model().objects.get_or_create(username="bench")
    # The importer works for the office (seizures.scoping): the intake refuses other offices.
    UserAccess.objects.get_or_create(user=user)[0].offices.add(office)
    return user


def make_csv(lots: int) -> bytes:
    from seizures.intake import COLUMNS

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    goods = (
        ("5b", "Handbag", "1.100", "BENCH-GEN"),
        ("4a", "Sneakers (pair)", "0.900", "BENCH-GEN"),
        ("2a", "Eau de parfum", "0.350", "BENCH-FL"),
        ("3a", "T-shirt", "0.250", ""),
    )
    for index in range(lots):
        parcel = index // 2  # two lots per parcel: 5,000 seizures for 10,000 lots
        category, description, weight, location = goods[index % len(goods)]
        writer.writerow(
            {
                "seizure_key": f"P{parcel}",
                "office": "BENCH",
                "detained_on": "2026-03-02",
                "place_of_detention": "Postal hub",
                "transport_mode": "postal",
                "traffic_type": "freight",
                "provenance_country": "CN",
                "ipr_type": "eu_trade_mark",
                "customs_procedure": "free_circulation",
                "action_type": "on_application",
                "right_holder": "Bench Brands SA",
                "declarant_name": f"Addressee {parcel}",
                "consignment_number": f"LX{parcel:09d}CN",
                "notified_on": "2026-03-03",
                "legal_route": "small_consignment",
                "perishable": "no",
                "category": category,
                "description": description,
                "brand": "Brand",
                "articles": "1",
                "gross_weight_kg": weight,
                "retail_value": "120.00",
                "currency": "EUR",
                "hazard_classes": "",
                "location": location,
            }
        )
    return buffer.getvalue().encode()


class Rollback(Exception):
    pass


def plain_bulk_create(content: bytes, user) -> float:
    """The same rows straight into bulk_create: the floor any importer is measured against."""
    from django.db import transaction

    from seizures.categories import DEFAULT_HAZARD_CLASSES, DEFAULT_WASTE_CLASS
    from seizures.models import CustomsOffice, Lot, RightHolder, Seizure, StorageLocation

    start = time.perf_counter()
    try:
        with transaction.atomic():
            offices = {o.code: o for o in CustomsOffice.objects.all()}
            holders = {r.name: r for r in RightHolder.objects.all()}
            locations = {loc.code: loc for loc in StorageLocation.objects.all()}
            seizures, rows_by_key = {}, {}
            for row in csv.DictReader(io.StringIO(content.decode())):
                key = row["seizure_key"]
                if key not in seizures:
                    detained = datetime.date.fromisoformat(row["detained_on"])
                    seizures[key] = Seizure(
                        reference=f"BASE-{key}",
                        office=offices[row["office"]],
                        year=detained.year,
                        sequence=len(seizures) + 1_000_000,
                        detained_on=detained,
                        place_of_detention=row["place_of_detention"],
                        transport_mode=row["transport_mode"],
                        traffic_type=row["traffic_type"],
                        provenance_country=row["provenance_country"],
                        ipr_type=row["ipr_type"],
                        customs_procedure=row["customs_procedure"],
                        action_type=row["action_type"],
                        right_holder=holders[row["right_holder"]],
                        declarant_name=row["declarant_name"],
                        consignment_number=row["consignment_number"],
                        notified_on=datetime.date.fromisoformat(row["notified_on"]),
                        legal_route=row["legal_route"],
                        perishable=False,
                        created_by=user,
                    )
                rows_by_key.setdefault(key, []).append(row)
            Seizure.objects.bulk_create(seizures.values(), batch_size=1000)
            now = datetime.datetime.now(tz=datetime.UTC)
            lots = []
            for key, rows in rows_by_key.items():
                for line, row in enumerate(rows, start=1):
                    waste_class = DEFAULT_WASTE_CLASS[row["category"]]
                    location = locations.get(row["location"])
                    lots.append(
                        Lot(
                            seizure=seizures[key],
                            office_id=seizures[key].office_id,
                            reference=f"BASE-{key}-{line:02d}",
                            category=row["category"],
                            waste_class=waste_class,
                            description=row["description"],
                            brand=row["brand"],
                            seized_articles=int(row["articles"]),
                            articles=int(row["articles"]),
                            gross_weight_kg=Decimal(row["gross_weight_kg"]),
                            retail_value=Decimal(row["retail_value"]),
                            currency=row["currency"],
                            hazard_classes=list(DEFAULT_HAZARD_CLASSES[waste_class]),
                            location=location,
                            stored_since=now if location else None,
                        )
                    )
            Lot.objects.bulk_create(lots, batch_size=1000)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        return elapsed


def service_import(content: bytes, user) -> tuple[float, int]:
    from seizures.services import import_seizures

    start = time.perf_counter()
    # Every round imports the same file: confirmed as a duplicate (the check still runs).
    batch = import_seizures(content=content, actor=user, confirm_duplicates=True)
    return time.perf_counter() - start, batch.seizures.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vendor = setup_django()
    user = reference_data()
    content = make_csv(args.lots)
    print(f"Database: {vendor}; {args.lots} lots in {args.lots // 2} seizures; {len(content):,} B")
    from django.conf import settings

    hook = settings.STATISTICS_ROLLUP_CHANGE
    print(
        f"{'round':>5}  {'bulk_create (s)':>15}  {'import (s)':>10}  {'no rollups (s)':>14}  "
        f"{'ratio':>6}  {'rollups':>7}"
    )
    plain_bulk_create(content, user)  # warm-up, not counted
    service_import(content, user)
    ratios, shares = [], []
    for round_number in range(1, args.rounds + 1):
        baseline = plain_bulk_create(content, user)
        imported, seizures = service_import(content, user)
        settings.STATISTICS_ROLLUP_CHANGE = ""
        bare, _ = service_import(content, user)
        settings.STATISTICS_ROLLUP_CHANGE = hook
        assert seizures == (args.lots + 1) // 2
        ratios.append(imported / baseline)
        shares.append(imported / bare)
        print(
            f"{round_number:>5}  {baseline:>15.3f}  {imported:>10.3f}  {bare:>14.3f}  "
            f"{ratios[-1]:>6.2f}  {shares[-1]:>6.2f}x"
        )
    median = statistics.median(ratios)
    verdict = "within" if median <= 3 else "OVER"
    print(f"Median ratio import / bulk_create: {median:.2f} ({verdict} the 3x budget)")
    print(f"Median ratio import with / without rollups: {statistics.median(shares):.2f}")
    from seizures.custody import verify_chains

    print(f"Custody chains broken after import: {len(verify_chains())}")


if __name__ == "__main__":
    main()
