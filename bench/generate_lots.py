"""Bulk generator for the statistics benchmark: N lots over two detention years (2024, 2025) with
their seizures, destruction orders, records, output fractions, certificates, reviews, release
events, cost entries and the yearly exchange rates.

    DATABASE_URL=... .venv/bin/python bench/generate_lots.py --lots 100000 [--fresh]

How it writes: rows are generated in chunks of 50,000 lots (seizures, lots, order lines and
release events of the chunk) and written with COPY ... FROM STDIN on PostgreSQL (psycopg 3) or
executemany on SQLite, with explicit ids, inside one transaction (Django's foreign keys are
DEFERRABLE INITIALLY DEFERRED, so the orders a chunk's lines point to are written at the end).
Orders group the lots one office destroyed on one day. Memory stays at one chunk.

Shape (seeded, so a size gives the same data every time): about 4 lots per seizure; 5 offices;
statuses 60 % destroyed (5-300 days after detention), 25 % in storage, 5 % released (a custody
event 10-60 days after detention), 10 % on hold / allocated / in transit; 0.5 % of lots have a
sample; currencies EUR 70 %, USD 20 %, GBP 5 %, CNY 5 % (CNY has no rate: unconverted).
Costs (drawn from the lot id, so the rest of the data stays as it was): a destroyed lot's
destruction per kg on the day of its record, a released lot's storage per day to its release;
tariffs in EUR, USD (1 in 4) and CNY (1 in 20, unconverted); payers in turn right holder,
declarant, administration.

Storage: one warehouse per office with LOCATIONS_PER_WAREHOUSE bays; lots in storage, on hold or
allocated sit in a bay of their office's warehouse since 1-10 days after detention, and every
seizure has its statutory deadline (14 days after detention), so the storage pages, the ageing
list and the dashboards see a warehouse like a real one.

Not a valid custody history: only release events are written (the statistics read release
dates) and their hashes are not chained. Use a database of its own, never the application's.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

YEARS = (2024, 2025)
CHUNK = 50_000
OFFICES = (("BRU", "Brussels Airport"), ("ANR", "Antwerp Port"), ("LGG", "Liège Airport"),
           ("ZEE", "Zeebrugge Port"), ("BXL", "Brussels Mail Centre"))  # fmt: skip
RATES = {2024: {"USD": Decimal("0.924"), "GBP": Decimal("1.181")},
         2025: {"USD": Decimal("0.887"), "GBP": Decimal("1.172")}}  # fmt: skip
TIME_ZONE = ZoneInfo("Europe/Brussels")
LOCATIONS_PER_WAREHOUSE = 40
OCCUPYING = ("in_storage", "on_hold", "allocated")
# kind -> currency -> (basis, amount per kg or day)
TARIFFS = {
    "destruction": {"EUR": ("per_kg", "0.60"), "USD": ("per_kg", "0.70"), "CNY": ("per_kg", "5")},
    "storage": {"EUR": ("per_day", "0.90"), "USD": ("per_day", "1.00"), "CNY": ("per_day", "7")},
}
PAYERS = ("right_holder", "declarant", "administration")


def cost_terms(lot_id: int) -> tuple[str, str]:
    """(currency, payer) of a lot's cost, from its id."""
    currency = "CNY" if lot_id % 20 == 0 else "USD" if lot_id % 4 == 0 else "EUR"
    return currency, PAYERS[lot_id % 3]


def bench_tariffs(tariff_model) -> dict[tuple[str, str], object]:
    """(kind, currency) -> tariff, created once per database."""
    return {
        (kind, currency): tariff_model.objects.get_or_create(
            kind=kind,
            currency=currency,
            note="Bench tariff",
            defaults={
                "basis": basis,
                "amount": Decimal(amount),
                "valid_from": datetime.date(YEARS[0], 1, 1),
            },
        )[0]
        for kind, by_currency in TARIFFS.items()
        for currency, (basis, amount) in by_currency.items()
    }


def cost_row(cost_id: int, lot_id: int, order_id, kind: str, quantity, day, tariffs) -> tuple:
    currency, payer = cost_terms(lot_id)
    tariff = tariffs[(kind, currency)]
    amount = (quantity * tariff.amount).quantize(Decimal("0.01"))
    unit = "kg" if kind == "destruction" else "days"
    return (cost_id, lot_id, order_id, kind, quantity, unit, tariff.id, amount, currency, payer,
            "Bench cost", day)  # fmt: skip


def setup_django() -> None:
    import django

    django.setup()


def recreate_database() -> None:
    """Drop and create the database named by DATABASE_URL (SQLite: delete the file)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).unlink(missing_ok=True)
        return
    import psycopg

    admin = psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    name = database["NAME"]
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Writer:
    """Writes rows of a model's columns: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"

    def value(self, value):
        if self.postgresql:
            return value
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, (datetime.date, Decimal)):
            return str(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def write(self, model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        table = model._meta.db_table
        filler = field_defaults(model, columns)
        columns = (*columns, *filler)
        rows = (tuple(row) + tuple(filler.values()) for row in rows)
        names = [model._meta.get_field(c).column for c in columns]
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgresql:
                column_list = ", ".join(f'"{n}"' for n in names)
                with cursor.cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(names))
                column_list = ", ".join(f'"{n}"' for n in names)
                batch = [tuple(self.value(v) for v in row) for row in rows]
                cursor.executemany(f'INSERT INTO "{table}" ({column_list}) VALUES ({marks})', batch)
                count = len(batch)
        return count

    def reset_sequences(self, models) -> None:
        if not self.postgresql:
            return
        with self.connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
                )


def field_defaults(model, columns: Sequence[str]) -> dict[str, object]:
    """The model's defaults for the NOT NULL columns the generator leaves out (flags and
    references added by later features), so a new field does not break the bulk writer."""
    return {
        field.name: json.dumps(value) if isinstance(value, (list, dict)) else value
        for field in model._meta.concrete_fields
        if field.name not in columns and not field.primary_key and not field.null
        for value in [field.get_default()]
    }


def warehouse_bays(office, warehouse_model, location_model, zone_type) -> list[int]:
    """Ids of the bays of the office's bench warehouse (created on first use)."""
    warehouse, _ = warehouse_model.objects.get_or_create(
        code=f"W-{office.code}",
        defaults={"name": f"Bench warehouse {office.code}", "office": office},
    )
    for number in range(1, LOCATIONS_PER_WAREHOUSE + 1):
        location_model.objects.get_or_create(
            code=f"W-{office.code}-B{number:02}",
            defaults={
                "warehouse": warehouse,
                "name": f"Bay {number}",
                "zone_type": zone_type.NON_HAZARDOUS,
                "capacity_kg": Decimal("500000"),
            },
        )
    return list(warehouse.locations.values_list("id", flat=True))


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TIME_ZONE)


def generate(lots: int, *, seed: int = 7, stdout=sys.stdout) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from compliance.models import CertificateReview, ExchangeRate
    from compliance.statistics import rollups
    from destruction.costs.models import CostEntry, Tariff
    from destruction.costs.services import rebuild_unbilled_costs
    from destruction.methods import METHODS
    from destruction.models import (
        Certificate,
        DestructionOrder,
        DestructionRecord,
        Facility,
        OrderLine,
        OutputFraction,
    )
    from seizures import occupancy
    from seizures.categories import DEFAULT_HAZARD_CLASSES, DEFAULT_WASTE_CLASS, ProductCategory
    from seizures.models import (
        ActionType,
        CustodyEvent,
        CustomsOffice,
        CustomsProcedure,
        IPRType,
        LegalRoute,
        Lot,
        Seizure,
        StorageLocation,
        TrafficType,
        TransportMode,
        Warehouse,
        ZoneType,
    )
    from seizures.waste_codes import default_code

    rng = random.Random(seed)
    writer = Writer()
    started = time.perf_counter()
    counts = dict.fromkeys(("seizures", "lots", "lines", "orders", "events", "costs"), 0)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    offices = [
        CustomsOffice.objects.get_or_create(code=code, defaults={"name": name, "country": "BE"})[0]
        for code, name in OFFICES
    ]
    bays = {office.id: warehouse_bays(office, Warehouse, StorageLocation, ZoneType)
            for office in offices}  # fmt: skip
    facility, _ = Facility.objects.get_or_create(
        name="Bench Treatment Plant",
        defaults={"operator": "Bench", "address": "-", "country": "BE"},
    )
    tariffs = bench_tariffs(Tariff)
    for year, rates in RATES.items():
        for currency, rate in rates.items():
            ExchangeRate.objects.update_or_create(
                year=year, currency=currency, defaults={"rate": rate}
            )

    categories = list(ProductCategory.values)
    hazards = {
        c: json.dumps(list(DEFAULT_HAZARD_CLASSES[DEFAULT_WASTE_CLASS[c]])) for c in categories
    }
    codes = {
        c: default_code(
            category=c,
            waste_class=DEFAULT_WASTE_CLASS[c],
            hazard_classes=DEFAULT_HAZARD_CLASSES[DEFAULT_WASTE_CLASS[c]],
        )
        for c in categories
    }
    methods = [m for m, info in METHODS.items() if not info.forbidden]
    countries = ["CN"] * 8 + ["HK"] * 3 + ["TR"] * 2 + ["AE", "VN", "IN", "US", "TH", "MA", "SG"]
    currencies = ["EUR"] * 14 + ["USD"] * 4 + ["GBP", "CNY"]
    first_day = datetime.date(YEARS[0], 1, 1)
    days = (datetime.date(YEARS[-1], 12, 31) - first_day).days + 1
    order_base = 1_000_000
    orders: dict[int, list] = {}  # id -> [office_id, day, kg]

    seizure_id = (Seizure.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    lot_id = (Lot.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    line_id = (OrderLine.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    event_id = (CustodyEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    cost_id = (CostEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    seizure_columns = (
        "id", "reference", "office", "year", "sequence", "detained_on", "place_of_detention",
        "transport_mode", "traffic_type", "provenance_country", "ipr_type", "customs_procedure",
        "action_type", "declarant_name", "consignment_number", "legal_route", "perishable",
        "deadline", "court_reference", "on_hold", "hold_reason", "notes", "declarant_objected",
        "created_by", "created_at",
    )  # fmt: skip
    lot_columns = (
        "id", "seizure", "office", "reference", "parent", "sample_purpose", "sample_holder",
        "category", "waste_class", "description", "brand", "seized_articles", "articles",
        "gross_weight_kg", "retail_value", "currency", "hazard_classes", "ewc_code",
        "hp_properties", "status", "location", "stored_since", "created_at", "updated_at",
    )  # fmt: skip
    line_columns = ("id", "order", "lot", "method", "actual_method", "legal_basis",
                    "justification", "active")  # fmt: skip
    event_columns = ("id", "lot", "sequence", "kind", "occurred_at", "actor", "actor_name",
                     "quantity", "details", "previous_hash", "hash")  # fmt: skip
    cost_columns = ("id", "lot", "order", "kind", "quantity", "unit", "tariff", "amount",
                    "currency", "payer", "rule", "incurred_on")  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    statuses = ["destroyed"] * 12 + ["in_storage"] * 5 + ["released", "on_hold", "allocated"]

    with transaction.atomic():
        made = 0
        while made < lots:
            size = min(CHUNK, lots - made)
            seizures, lot_rows, lines, events, costs = [], [], [], [], []
            while len(lot_rows) < size:
                office = rng.choice(offices)
                detained = first_day + datetime.timedelta(days=rng.randrange(days))
                mode = rng.choice(TransportMode.values)
                seizures.append((
                    seizure_id, f"B-{seizure_id}", office.id, detained.year, seizure_id, detained,
                    "", mode,
                    TrafficType.PASSENGER if mode == "air" and rng.random() < 0.3
                    else TrafficType.FREIGHT,
                    rng.choice(countries), rng.choice(IPRType.values),
                    rng.choice(CustomsProcedure.values), rng.choice(ActionType.values), "", "",
                    rng.choice(LegalRoute.values), False, detained + datetime.timedelta(days=14),
                    "", False, "", "", False, user.id, now,
                ))  # fmt: skip
                for _ in range(rng.randint(1, 7)):
                    if len(lot_rows) >= size:
                        break
                    category = rng.choice(categories)
                    articles = rng.randint(1, 500)
                    kg = Decimal(rng.randint(100, 200_000)) / 1000
                    value = Decimal(rng.randint(100, 5_000_000)) / 100
                    status = rng.choice(statuses)
                    if status == "on_hold" and rng.random() < 0.5:
                        status = "in_transit"
                    location = stored_since = None
                    if status in OCCUPYING:
                        location = rng.choice(bays[office.id])
                        stored_since = local(
                            detained + datetime.timedelta(days=rng.randint(1, 10)), 9
                        )
                    lot_rows.append((
                        lot_id, seizure_id, office.id, f"B{lot_id}", None, "", "", category,
                        DEFAULT_WASTE_CLASS[category], "Bench goods", "", articles, articles, kg,
                        value, rng.choice(currencies), hazards[category], codes[category], "[]",
                        status, location, stored_since, now, now,
                    ))  # fmt: skip
                    if status == "destroyed":
                        ended = detained + datetime.timedelta(days=rng.randint(5, 300))
                        order_id = (
                            order_base + offices.index(office) * 2000 + (ended - first_day).days
                        )
                        orders.setdefault(order_id, [office.id, ended, Decimal("0")])[2] += kg
                        method = rng.choice(methods)
                        actual = rng.choice(methods) if rng.random() < 0.2 else ""
                        lines.append((line_id, order_id, lot_id, method, actual, "art23", "", True))
                        line_id += 1
                        costs.append(
                            cost_row(cost_id, lot_id, order_id, "destruction", kg, ended, tariffs)
                        )
                        cost_id += 1
                    elif status == "released":
                        when = local(detained + datetime.timedelta(days=rng.randint(10, 60)), 11)
                        events.append((
                            event_id, lot_id, 1, "released", when, user.id, "bench", articles,
                            "{}", "", "0" * 64,
                        ))  # fmt: skip
                        event_id += 1
                        stored_days = Decimal((when.date() - detained).days)
                        costs.append(
                            cost_row(cost_id, lot_id, None, "storage", stored_days, when.date(),
                                     tariffs)
                        )  # fmt: skip
                        cost_id += 1
                    parent = lot_id
                    lot_id += 1
                    if rng.random() < 0.005 and len(lot_rows) < size:
                        lot_rows.append((
                            lot_id, seizure_id, office.id, f"B{lot_id}", parent, "analysis",
                            "Bench lab",
                            category, DEFAULT_WASTE_CLASS[category], "Bench sample", "", 1, 1,
                            Decimal("0.100"), Decimal("1.00"), "EUR", hazards[category],
                            codes[category], "[]", "in_storage", rng.choice(bays[office.id]),
                            local(detained + datetime.timedelta(days=30), 9), now, now,
                        ))  # fmt: skip
                        lot_id += 1
                seizure_id += 1
            counts["seizures"] += writer.write(Seizure, seizure_columns, seizures)
            counts["lots"] += writer.write(Lot, lot_columns, lot_rows)
            counts["lines"] += writer.write(OrderLine, line_columns, lines)
            counts["events"] += writer.write(CustodyEvent, event_columns, events)
            counts["costs"] += writer.write(CostEntry, cost_columns, costs)
            made += size
            stdout.write(f"  {made:,} lots written ({time.perf_counter() - started:.0f} s)\n")

        order_rows, records, outputs, certificates, reviews = [], [], [], [], []
        fraction_id = certificate_id = 1
        for order_id, (office_id, day, kg) in sorted(orders.items()):
            order_rows.append((
                order_id, f"B-DO-{order_id}", "certified", office_id, facility.id, day,
                Decimal("0"), "EUR", "right_holder", "", "", "", "[]", "", "[]", "", user.id,
                "", kg, now, now,
            ))  # fmt: skip
            ended = local(day, 15)
            start = ended - datetime.timedelta(hours=3)
            records.append((order_id, order_id, start, ended, kg, "", True, "", False, "",
                            user.id, now, False, False, False))  # fmt: skip
            shares = (("recycled", "0.5"), ("energy_recovery", "0.3"),
                      ("hazardous_residue", "0.05"), ("landfilled", "0.15"))  # fmt: skip
            for route, share in shares:
                outputs.append((fraction_id, order_id, route,
                                (kg * Decimal(share)).quantize(Decimal("0.001")), ""))  # fmt: skip
                fraction_id += 1
            revoked = rng.random() < 0.02
            number = f"B-COD-{certificate_id}"
            certificates.append((
                certificate_id, number, day.year, certificate_id, order_id, office_id,
                hashlib.sha256(number.encode()).hexdigest(), "revoked" if revoked else "valid",
                local(day + datetime.timedelta(days=3), 10), user.id, "{}", b"%PDF-bench", "0" * 64,
                local(day + datetime.timedelta(days=20), 10) if revoked else None,
                user.id if revoked else None, "Bench" if revoked else "",
            ))  # fmt: skip
            if rng.random() < 0.05:
                reviews.append((certificate_id, certificate_id, "flagged", "[]", "", user.id,
                                local(day + datetime.timedelta(days=10), 10)))  # fmt: skip
            certificate_id += 1
        counts["orders"] = writer.write(
            DestructionOrder,
            ("id", "reference", "status", "office", "facility", "planned_date", "cost_estimate",
             "cost_currency", "payer", "carrier_name", "carrier_registration", "vehicle",
             "seal_numbers", "consignment_note_number", "planned_witnesses", "notes",
             "prepared_by", "cancellation_reason", "dispatch_weight_kg", "created_at",
             "updated_at"),
            order_rows,
        )  # fmt: skip
        writer.write(
            DestructionRecord,
            ("id", "order", "started_at", "ended_at", "gate_weight_kg", "weighbridge_ticket",
             "customs_officer_present", "officer_absence_reason", "mass_balance_deviation",
             "deviation_justification", "recorded_by", "recorded_at", "debranded",
             "batteries_removed", "aerosols_degassed"),
            records,
        )  # fmt: skip
        writer.write(OutputFraction, ("id", "record", "route", "weight_kg", "destination"), outputs)
        writer.write(
            Certificate,
            ("id", "number", "year", "sequence", "order", "office", "verification_code", "status",
             "issued_at", "issued_by", "snapshot", "pdf", "sha256", "revoked_at", "revoked_by",
             "revocation_reason"),
            certificates,
        )  # fmt: skip
        writer.write(
            CertificateReview,
            ("id", "certificate", "decision", "findings", "comment", "reviewer", "decided_at"),
            reviews,
        )
        writer.reset_sequences(
            (Seizure, Lot, OrderLine, CustodyEvent, DestructionOrder, DestructionRecord,
             OutputFraction, Certificate, CertificateReview, CostEntry)
        )  # fmt: skip
    # The rows above bypass the services: the statistics rollups, the locations' stock counters
    # and the running totals of unbilled costs are recounted from them, as `rebuild_statistics`,
    # `rebuild_location_stock` and `rebuild_unbilled_costs` do after a bulk load.
    rebuild_started = time.perf_counter()
    rollups.rebuild()
    occupancy.rebuild()
    rebuild_unbilled_costs()
    counts["rollup_rebuild_seconds"] = round(time.perf_counter() - rebuild_started)
    if writer.postgresql:
        with writer.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    setup_django()
    if options.fresh:
        recreate_database()
    migrate()
    counts = generate(options.lots, seed=options.seed)
    print(", ".join(f"{key} {value:,}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
