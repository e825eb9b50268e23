"""Benchmark: one destruction order walked through every step (create, submit, approve,
dispatch, record, then a second order cancelled) with 10, 100 and 1,000 lots, side by side:
time and number of SQL queries per step. The services lock, check and write every lot with a
constant number of queries (bulk custody appends), so the query count should not grow with the
order; the time grows with the rows written.

The compliance hook is switched off: this measures the destruction services alone. Then the
cost of the statistics rollups: recording an order of the largest size with the rollup hook
(settings.STATISTICS_ROLLUP_CHANGE) on and off, alternately, median of --rounds (target: with
rollups within 1.3x of without).

Run:  .venv/bin/python bench/destruction_bench.py [--sizes 10 100 1000]
A fresh SQLite file is used unless DATABASE_URL is set (point it at a scratch database).
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = ("create", "submit", "approve", "dispatch", "record", "cancel other")


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="igt-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="igt-bench-media-"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DESTRUCTION_COMPLIANCE_CHECK = ""
    from django.db import connection

    return connection.vendor


def make_lots(count: int, tag: str, actor):
    """`count` eligible lots (Art. 23 complete) in one seizure, each with its first event."""
    from django.db import transaction

    from seizures.custody import start_chains
    from seizures.models import CustomsOffice, Lot, RightHolder, Seizure

    office, _ = CustomsOffice.objects.get_or_create(
        code="BEN", defaults={"name": "Bench office", "country": "BE"}
    )
    holder, _ = RightHolder.objects.get_or_create(name="Bench Brands SA")
    with transaction.atomic():
        seizure = Seizure.objects.create(
            reference=f"BEN-2026-{tag}",
            office=office,
            year=2026,
            sequence=Seizure.objects.count() + 1,
            detained_on=datetime.date(2026, 3, 2),
            transport_mode="sea",
            provenance_country="CN",
            ipr_type="eu_trade_mark",
            customs_procedure="free_circulation",
            action_type="on_application",
            right_holder=holder,
            notified_on=datetime.date(2026, 3, 3),
            legal_route="standard",
            deadline=datetime.date(2026, 3, 17),
            right_holder_agreement_on=datetime.date(2026, 3, 10),
            created_by=actor,
        )
        lots = Lot.objects.bulk_create(
            Lot(
                seizure=seizure,
                office_id=seizure.office_id,
                reference=f"{seizure.reference}-{n:05d}",
                category="3a",
                waste_class="APP",
                description="Counterfeit T-shirts",
                seized_articles=100,
                articles=100,
                gross_weight_kg=Decimal("25.000"),
            )
            for n in range(count)
        )
        lots = list(Lot.objects.filter(seizure=seizure).order_by("pk"))
        start_chains(lots, actor=actor)
    return lots


def measure(step: str, call, results: dict) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = call()
        elapsed = time.perf_counter() - started
    results[step] = (elapsed * 1000, len(queries))
    return value


def run(size: int, users, facility, tag: str = "") -> dict:
    from django.utils import timezone

    from destruction import services

    preparer, approver = users
    results: dict = {}
    lots = make_lots(size, f"A{size}{tag}", preparer)
    other = make_lots(size, f"B{size}{tag}", preparer)
    planned = timezone.localdate() + datetime.timedelta(days=3)
    weight = Decimal("25.000") * size

    def plan(chosen):
        return services.create_order(
            actor=preparer,
            lines=[services.LineInput(lot=lot, method="RECYCLE_SHRED") for lot in chosen],
            facility=facility,
            planned_date=planned,
            carrier_name="Bench Haul",
            carrier_registration="REG-1",
            vehicle="1-BEN-001",
            seal_numbers=["S-1"],
        )

    order = measure("create", lambda: plan(lots), results)
    measure("submit", lambda: services.submit_order(order=order, actor=preparer), results)
    measure("approve", lambda: services.approve_order(order=order, actor=approver), results)
    measure(
        "dispatch",
        lambda: services.dispatch_order(order=order, actor=preparer, total_weight_kg=weight),
        results,
    )
    now = timezone.now()
    measure(
        "record",
        lambda: services.record_destruction(
            order=order,
            actor=preparer,
            started_at=now,
            ended_at=now,
            gate_weight_kg=weight,
            weighbridge_ticket="WB-1",
            outputs=[services.OutputInput("recycled", weight, "Bench recycler")],
            witnesses=[services.WitnessInput("Officer", "Customs", "customs_officer")],
        ),
        results,
    )
    second = plan(other)
    measure(
        "cancel other",
        lambda: services.cancel_order(order=second, actor=preparer, reason="bench"),
        results,
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vendor = setup_django()
    from django.contrib.auth import get_user_model

    from seizures.custody import verify_chains
    from tests.destruction.factories import FacilityFactory

    user_model = get_user_model()
    users = (
        user_model.objects.get_or_create(username="bench-preparer")[0],
        user_model.objects.get_or_create(username="bench-approver")[0],
    )
    facility = FacilityFactory(name=f"Bench plant {time.time_ns()}")
    table = {size: run(size, users, facility) for size in args.sizes}
    print(f"Destruction order steps on {vendor} (ms / SQL queries), by lots in the order")
    print(f"{'step':<14}" + "".join(f"{size:>10} lots   " for size in args.sizes))
    for step in STEPS:
        cells = "".join(
            f"{table[size][step][0]:>9.1f} / {table[size][step][1]:<4}" for size in args.sizes
        )
        print(f"{step:<14}{cells}")
    print(f"custody chains verified: {'ok' if not verify_chains() else 'BROKEN'}")
    size = max(args.sizes)
    record = rollup_cost(size, args.rounds, users, facility)
    with_rollups, without = (statistics.median(times) for times in record)
    ratio = with_rollups / without
    print(
        f"record {size} lots: with rollups {with_rollups:.0f} ms, without {without:.0f} ms "
        f"(median of {args.rounds}): {ratio:.2f}x ({'within' if ratio <= 1.3 else 'OVER'} 1.3x)"
    )


def rollup_cost(size: int, rounds: int, users, facility) -> tuple[list[float], list[float]]:
    """Milliseconds of the record step with the rollup hook on, and off, run alternately."""
    from django.conf import settings

    hook = settings.STATISTICS_ROLLUP_CHANGE
    times: tuple[list[float], list[float]] = ([], [])
    try:
        for round_number in range(rounds):
            for n, setting in enumerate((hook, "")):
                settings.STATISTICS_ROLLUP_CHANGE = setting
                results = run(size, users, facility, tag=f"R{round_number}{n}")
                times[n].append(results["record"][0])
    finally:
        settings.STATISTICS_ROLLUP_CHANGE = hook
    return times


if __name__ == "__main__":
    main()
