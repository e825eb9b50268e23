"""Benchmark: closing a stocktake of N lots (issue 18): the queries are constant in the lots.

Data: two warehouses, one with N/10 lots and one with N lots, 100 lots per bay, written with
bench/generate_lots.Writer (COPY on PostgreSQL, executemany on SQLite). For each warehouse a count
is opened with the service (timed), every line is marked found where expected in one UPDATE
(standing in for the staff's scans), three lots are left missing and declared lost with the
service, then `close_stocktake` runs with its queries captured.

Reported side by side in one run: for both sizes, the opening and closing times and query counts,
and closing against a baseline of one plain `SELECT COUNT(*)` of the count's lines (the least a
close must read). The run fails if the closing query counts differ between the sizes.

Run:  .venv/bin/python bench/stocktake_bench.py [--lots 100000]
A fresh SQLite file is used unless DATABASE_URL is set; with DATABASE_URL, `--fresh` drops and
recreates that database (point it at a scratch database, never the application's).
"""

import argparse
import datetime
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import custody_bench, generate_lots  # noqa: E402 - after the path is set

LOTS_PER_BAY = 100
LOST = 3
LOT_COLUMNS = (*custody_bench.LOT_COLUMNS, "location", "stored_since", "ewc_code")


def generate(code: str, lots: int, first_id: int, actor, office) -> tuple[object, list[int]]:
    """A warehouse with `lots` lots in bays of LOTS_PER_BAY; answers it and the lot ids."""
    from seizures import occupancy
    from seizures.models import Lot, Seizure, StorageLocation, Warehouse

    writer = generate_lots.Writer()
    warehouse = Warehouse.objects.create(code=code, name=f"Bench {code}", office=office)
    bays = StorageLocation.objects.bulk_create(
        StorageLocation(
            warehouse=warehouse, code=f"{code}-B{n:05d}", name=f"Bay {n}", zone_type="non_hazardous"
        )
        for n in range((lots + LOTS_PER_BAY - 1) // LOTS_PER_BAY)
    )
    bay_ids = [bay.pk for bay in StorageLocation.objects.filter(warehouse=warehouse).order_by("pk")]
    assert len(bay_ids) == len(bays)
    now = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    seizure_rows, lot_rows, ids = [], [], []
    for n in range(lots):
        lot_id = first_id + n
        seizure_id = (lot_id - 1) // 5 + 1
        if (lot_id - 1) % 5 == 0 or n == 0:
            seizure_rows.append((
                seizure_id, f"SB-{seizure_id}", office.id, 2026, seizure_id,
                datetime.date(2026, 1, 5), "", "air", "freight", "CN", "eu_trade_mark",
                "free_circulation", "ex_officio", "", "", "standard", False, "", False,
                "", "", False, actor.id, now,
            ))  # fmt: skip
        lot_rows.append((
            lot_id, seizure_id, office.id, f"SB{lot_id}", "3a", "TEX", "Bench goods", "", 10, 10,
            Decimal("1.000"), Decimal("10.00"), "EUR", "[]", "in_storage", now, now, 0, "",
            bay_ids[n // LOTS_PER_BAY], now, "20 01 11",
        ))  # fmt: skip
        ids.append(lot_id)
    existing = set(Seizure.objects.values_list("pk", flat=True))
    writer.write(
        Seizure, custody_bench.SEIZURE_COLUMNS, [r for r in seizure_rows if r[0] not in existing]
    )
    writer.write(Lot, LOT_COLUMNS, lot_rows)
    writer.reset_sequences([Seizure, Lot])
    # The rows bypass the services: recount the bays' stock counters the lost lots leave.
    occupancy.rebuild()
    return warehouse, ids


def run(warehouse, lot_ids: list[int], actor) -> dict:
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from seizures.models import Lot
    from seizures.models.stocktakes import StocktakeLine, StocktakeLocation
    from seizures.stocktakes import services

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as opening:
        stocktake = services.open_stocktake(warehouse=warehouse, actor=actor)
    open_s = time.perf_counter() - started
    now = timezone.now()
    lost = lot_ids[:LOST]
    StocktakeLine.objects.filter(stocktake=stocktake).exclude(lot_id__in=lost).update(
        found_location=F("expected_location"), found_at=now, found_by=actor
    )
    StocktakeLocation.objects.filter(stocktake=stocktake).update(counted_at=now, counted_by=actor)
    for lot in Lot.objects.filter(pk__in=lost):
        services.resolve_discrepancy(
            stocktake=stocktake, lot=lot, resolution="lost", note="Bench", actor=actor
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM seizures_stocktakeline WHERE stocktake_id = %s", [stocktake.pk]
        )
        cursor.fetchone()
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as closing:
        closed = services.close_stocktake(stocktake=stocktake, actor=actor)
    close_s = time.perf_counter() - started
    assert closed.found_lots == len(lot_ids) - LOST and closed.lost_lots == LOST
    return {
        "lots": len(lot_ids),
        "open_s": open_s,
        "open_queries": len(opening),
        "close_s": close_s,
        "close_queries": len(closing),
        "baseline_s": baseline_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate DATABASE_URL")
    arguments = parser.parse_args()
    vendor = custody_bench.setup(arguments.fresh)
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from seizures.models import CustomsOffice

    actor, _ = get_user_model().objects.get_or_create(
        username="bench-stocktake", defaults={"is_superuser": True}
    )
    office, _ = CustomsOffice.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench", "country": "BE"}
    )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%H%M%S")
    small, large = max(arguments.lots // 10, LOST + 1), arguments.lots
    from seizures.models import Lot

    first = (Lot.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    with transaction.atomic():
        small_house, small_ids = generate(f"S{stamp}", small, first, actor, office)
        large_house, large_ids = generate(f"L{stamp}", large, first + small, actor, office)
    print(f"{vendor}: wrote {small + large:,} lots in {time.perf_counter() - started:.1f} s")
    results = [run(small_house, small_ids, actor), run(large_house, large_ids, actor)]
    print("| lots | open | open queries | close | close queries | COUNT(*) | close / COUNT(*) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['lots']:,} | {r['open_s']:.2f} s | {r['open_queries']} "
            f"| {r['close_s'] * 1000:.0f} ms | {r['close_queries']} "
            f"| {r['baseline_s'] * 1000:.1f} ms "
            f"| {r['close_s'] / r['baseline_s']:.1f}x |"
        )
    ratio = results[1]["close_s"] / results[0]["close_s"]
    print(f"closing {large:,} vs {small:,} lots: {ratio:.1f}x the time, queries "
          f"{results[0]['close_queries']} and {results[1]['close_queries']}")  # fmt: skip
    if results[0]["close_queries"] != results[1]["close_queries"]:
        raise SystemExit("closing queries grew with the lots")


if __name__ == "__main__":
    main()
