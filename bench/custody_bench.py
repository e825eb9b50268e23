"""Benchmark: `seal_custody` and `verify_custody` over N custody events (issue 13).

Data: N events in real hash chains (each hash computed by CustodyEvent.compute_hash, each lot's
head stored on it), `--per-lot` events per lot (default 5: 1,000,000 events are 200,000 lots),
one seizure per 5 lots, written in chunks with bench/generate_lots.Writer (COPY on PostgreSQL,
executemany on SQLite).

Measured, each against the same fixed baseline, one plain SELECT of every event's columns
hashing each row with SHA-256 (no canonical JSON, no chain logic, no seal):
- `seal_custody` on the fresh data (first seal: every leaf stored);
- `seal_custody` again after 1 % of the lots gained an event (the seal stores the changed leaves);
- `verify_custody` with those two seals (every chain walked and re-hashed, both seals' signatures,
  roots and leaves checked, the certificates' frozen hashes compared: none here).

Run:  .venv/bin/python bench/custody_bench.py [--events 1000000] [--per-lot 5]
A fresh SQLite file is used unless DATABASE_URL is set; with DATABASE_URL, `--fresh` drops and
recreates that database (point it at a scratch database, never the application's).
"""

import argparse
import datetime
import hashlib
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_lots  # noqa: E402 - after the path is set

CHUNK_LOTS = 20_000
SEIZURE_COLUMNS = (
    "id", "reference", "office", "year", "sequence", "detained_on", "place_of_detention",
    "transport_mode", "traffic_type", "provenance_country", "ipr_type", "customs_procedure",
    "action_type", "declarant_name", "consignment_number", "legal_route", "perishable",
    "court_reference", "on_hold", "hold_reason", "notes", "declarant_objected",
    "created_by", "created_at",
)  # fmt: skip
LOT_COLUMNS = (
    "id", "seizure", "office", "reference", "category", "waste_class", "description", "brand",
    "seized_articles", "articles", "gross_weight_kg", "retail_value", "currency",
    "hazard_classes", "status", "created_at", "updated_at", "custody_length", "custody_head",
)  # fmt: skip
EVENT_COLUMNS = ("id", "lot", "sequence", "kind", "occurred_at", "actor", "actor_name",
                 "quantity", "details", "previous_hash", "hash")  # fmt: skip
KINDS = ("created", "placed", "moved", "sampled", "moved", "held", "hold_lifted", "moved")


def setup(fresh: bool) -> str:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="igt-custody-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    if fresh:
        generate_lots.recreate_database()
    generate_lots.migrate()
    from django.db import connection

    return connection.vendor


def chain(lot_id: int, start: int, count: int, actor, base: datetime.datetime, previous: str):
    """`count` chained events of one lot from sequence `start`, as rows of EVENT_COLUMNS."""
    from seizures.models import CustodyEvent

    rows = []
    for sequence in range(start, start + count):
        event = CustodyEvent(
            lot_id=lot_id,
            sequence=sequence,
            kind=KINDS[(sequence - 1) % len(KINDS)],
            occurred_at=base + datetime.timedelta(hours=sequence),
            actor_id=actor.id,
            actor_name="Bench",
            quantity=10,
            details={},
            previous_hash=previous,
        )
        event.hash = previous = event.compute_hash()
        rows.append(event)
    return rows


def event_row(event, event_id: int) -> tuple:
    return (event_id, event.lot_id, event.sequence, event.kind, event.occurred_at,
            event.actor_id, event.actor_name, event.quantity, "{}", event.previous_hash,
            event.hash)  # fmt: skip


def generate(events: int, per_lot: int) -> int:
    """Write the lots and their chains; returns the number of lots."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from seizures.models import CustodyEvent, CustomsOffice, Lot, Seizure

    writer = generate_lots.Writer()
    actor, _ = get_user_model().objects.get_or_create(username="bench")
    office, _ = CustomsOffice.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench", "country": "BE"}
    )
    now = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    lots = events // per_lot
    event_id = 1
    with transaction.atomic():
        for first in range(1, lots + 1, CHUNK_LOTS):
            last = min(first + CHUNK_LOTS, lots + 1)
            seizures, lot_rows, event_rows = [], [], []
            for lot_id in range(first, last):
                seizure_id = (lot_id - 1) // 5 + 1
                if (lot_id - 1) % 5 == 0:
                    seizures.append((
                        seizure_id, f"CB-{seizure_id}", office.id, 2026, seizure_id,
                        datetime.date(2026, 1, 5), "", "air", "freight", "CN", "eu_trade_mark",
                        "free_circulation", "ex_officio", "", "", "standard", False, "", False,
                        "", "", False, actor.id, now,
                    ))  # fmt: skip
                built = chain(lot_id, 1, per_lot, actor, now, "")
                for event in built:
                    event_rows.append(event_row(event, event_id))
                    event_id += 1
                lot_rows.append((
                    lot_id, seizure_id, office.id, f"CB{lot_id}", "3a", "TEX", "Bench goods", "",
                    10, 10, Decimal("1.000"), Decimal("10.00"), "EUR", "[]", "in_storage", now, now,
                    per_lot, built[-1].hash,
                ))  # fmt: skip
            writer.write(Seizure, SEIZURE_COLUMNS, seizures)
            writer.write(Lot, LOT_COLUMNS, lot_rows)
            writer.write(CustodyEvent, EVENT_COLUMNS, event_rows)
            print(f"  {last - 1:,} lots, {event_id - 1:,} events written", flush=True)
        writer.reset_sequences([Seizure, Lot, CustodyEvent])
    return lots


def grow(lots: int, per_lot: int) -> int:
    """One more event on every hundredth lot, so the second seal has changes to store."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from seizures.models import CustodyEvent, Lot

    writer = generate_lots.Writer()
    actor = get_user_model().objects.get(username="bench")
    base = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    event_id = CustodyEvent.objects.order_by("-id").values_list("id", flat=True).first() + 1
    heads = dict(Lot.objects.filter(pk__lte=lots).values_list("pk", "custody_head"))
    rows, grown = [], []
    for lot_id in range(1, lots + 1, 100):
        [event] = chain(lot_id, per_lot + 1, 1, actor, base, heads[lot_id])
        rows.append(event_row(event, event_id))
        grown.append((lot_id, event.hash))
        event_id += 1
    with transaction.atomic():
        writer.write(CustodyEvent, EVENT_COLUMNS, rows)
        for lot_id, digest in grown:
            Lot.objects.filter(pk=lot_id).update(custody_length=per_lot + 1, custody_head=digest)
        writer.reset_sequences([CustodyEvent])
    return len(rows)


def baseline() -> float:
    """One plain SELECT of every event, each row hashed: the least a verifier must do."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, lot_id, sequence, kind, occurred_at, actor_id, actor_name, quantity, "
            "details, previous_hash, hash FROM seizures_custodyevent"
        )
        while rows := cursor.fetchmany(5000):
            for row in rows:
                hashlib.sha256(repr(row).encode()).digest()
    return time.perf_counter() - started


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-lot", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate DATABASE_URL")
    arguments = parser.parse_args()
    vendor = setup(arguments.fresh)
    from django.conf import settings
    from django.core.management import call_command

    from seizures.models import CustodyEvent
    from seizures.seals import ensure_demo_key

    settings.CUSTODY_SEAL_KEY = str(Path(tempfile.mkdtemp(prefix="igt-seal-")) / "key.pem")
    ensure_demo_key()
    if CustodyEvent.objects.exists():
        sys.exit("The database already holds custody events: use --fresh or a new database.")
    seconds, lots = timed(lambda: generate(arguments.events, arguments.per_lot))
    total = CustodyEvent.objects.count()
    print(f"{vendor}: {total:,} events over {lots:,} lots generated in {seconds:.1f} s")

    base = baseline()
    first, _ = timed(lambda: call_command("seal_custody", stdout=io.StringIO()))
    grown = grow(lots, arguments.per_lot)
    second, _ = timed(lambda: call_command("seal_custody", stdout=io.StringIO()))
    out = io.StringIO()
    verify, _ = timed(lambda: call_command("verify_custody", stdout=out))
    base_after = baseline()
    reference = (base + base_after) / 2
    print(f"baseline (SELECT all events, SHA-256 per row): {base:.2f} s / {base_after:.2f} s")
    print(f"seal_custody, first seal ({lots:,} leaves): {first:.2f} s ({first / reference:.2f}x)")
    print(
        f"seal_custody, second seal ({grown:,} changed leaves): {second:.2f} s "
        f"({second / reference:.2f}x)"
    )
    print(f"verify_custody ({total + grown:,} events, 2 seals): {verify:.2f} s "
          f"({verify / reference:.2f}x)")  # fmt: skip
    print(out.getvalue().strip())


if __name__ == "__main__":
    main()
