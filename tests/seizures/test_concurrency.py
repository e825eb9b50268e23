"""Races on PostgreSQL: two threads, each with its own database connection.

The placement hook (settings.STORAGE_PLACEMENT_CHECK) runs inside move_lot after the lot was
read and the target location locked, just before the guarded update; the tests use it to hold
threads at that point so the race is forced, not left to chance.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from project.errors import TransitionNotAllowed
from seizures import occupancy, services
from seizures.custody import verify_chains
from seizures.intake import IntakeDuplicates
from seizures.models import CustodyEvent, IntakeBatch, Lot, Seizure
from tests.concurrency import run_together
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory
from tests.seizures.test_intake import EXAMPLE

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

rendezvous = threading.Barrier(2, timeout=10)


def wait_for_the_other_thread(placements, *, actor):
    """Both moves have read the lot; now both try to write it."""
    rendezvous.wait()
    return [[] for _ in placements]


def hold_the_lock_a_moment(placements, *, actor):
    """The first placement keeps the location locked while the second one queues behind it."""
    time.sleep(0.5)
    return [[] for _ in placements]


def test_two_threads_moving_one_lot_to_two_places_give_one_move_and_one_conflict(
    postgresql, settings, warehouse_user, second_warehouse_user, office, warehouse
):
    bay_a = StorageLocationFactory(warehouse=warehouse, code="RACE-A")
    bay_b = StorageLocationFactory(warehouse=warehouse, code="RACE-B")
    lot = log_seizure(warehouse_user, office).lots.get()
    rendezvous.reset()
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_concurrency.wait_for_the_other_thread"

    results, errors = run_together(
        lambda: services.move_lot(lot=lot, location=bay_a, actor=warehouse_user),
        lambda: services.move_lot(lot=lot, location=bay_b, actor=second_warehouse_user),
    )

    assert sum(r is not None for r in results) == 1
    assert [type(e) for e in errors if e is not None] == [TransitionNotAllowed]
    winner = bay_a if results[0] is not None else bay_b
    lot.refresh_from_db()
    assert lot.location == winner
    events = list(lot.custody_events.order_by("sequence"))
    assert [(e.kind, e.to_location_id) for e in events] == [
        (CustodyEvent.Kind.CREATED, None),
        (CustodyEvent.Kind.PLACED, winner.pk),
    ]
    assert verify_chains() == []


def test_two_threads_taking_the_last_free_capacity_never_exceed_it(
    postgresql, settings, warehouse_user, second_warehouse_user, office, warehouse
):
    bay = StorageLocationFactory(warehouse=warehouse, code="RACE-CAP", capacity_kg=Decimal("100"))
    log_seizure(
        warehouse_user, office, lots=[lot_input(gross_weight_kg=Decimal("60"), location=bay)]
    )
    first = log_seizure(warehouse_user, office, lots=[lot_input(gross_weight_kg=Decimal("30"))])
    second = log_seizure(warehouse_user, office, lots=[lot_input(gross_weight_kg=Decimal("30"))])
    lot_one, lot_two = first.lots.get(), second.lots.get()
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_concurrency.hold_the_lock_a_moment"

    results, errors = run_together(
        lambda: services.move_lot(lot=lot_one, location=bay, actor=warehouse_user),
        lambda: services.move_lot(lot=lot_two, location=bay, actor=second_warehouse_user),
    )

    assert sum(r is not None for r in results) == 1
    refusal = next(e for e in errors if e is not None)
    assert isinstance(refusal, ValidationError)
    assert "ST-CAP" in refusal.message_dict["location"][0]
    stored = Lot.objects.filter(location=bay)
    assert stored.count() == 2
    assert sum(lot.gross_weight_kg for lot in stored) <= bay.capacity_kg
    placed = CustodyEvent.objects.filter(to_location=bay, kind=CustodyEvent.Kind.PLACED)
    assert placed.count() == 1
    assert verify_chains() == []


def test_two_threads_moving_lots_into_one_bay_both_count_in_its_stock_counters(
    postgresql, settings, warehouse_user, second_warehouse_user, office, warehouse
):
    bay, *sources = (
        StorageLocationFactory(warehouse=warehouse, code=f"RACE-STOCK-{n}") for n in range(3)
    )
    lots = [
        log_seizure(warehouse_user, office, lots=[lot_input(location=source)]).lots.get()
        for source in sources
    ]
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_concurrency.hold_the_lock_a_moment"

    results, errors = run_together(
        lambda: services.move_lot(lot=lots[0], location=bay, actor=warehouse_user),
        lambda: services.move_lot(lot=lots[1], location=bay, actor=second_warehouse_user),
    )

    assert errors == [None, None]
    bay.refresh_from_db()
    assert (bay.stored_lots, bay.stored_kg) == (2, Decimal("50.000"))
    assert occupancy.mismatches() == []


def test_two_threads_logging_seizures_at_one_office_draw_different_numbers(
    postgresql, warehouse_user, second_warehouse_user, office
):
    results, errors = run_together(
        lambda: log_seizure(warehouse_user, office),
        lambda: log_seizure(second_warehouse_user, office),
    )

    assert errors == [None, None]
    assert sorted(s.reference for s in results) == ["BRU-2026-00001", "BRU-2026-00002"]
    assert Seizure.objects.count() == 2


def test_two_submissions_of_one_file_with_one_key_at_once_import_it_once(
    postgresql, settings, warehouse_user, example_reference_data
):
    """A double click: the second request waits on the first's batch row, then answers it."""
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_concurrency.hold_the_lock_a_moment"
    content = EXAMPLE.read_bytes()

    def submit():
        return services.import_seizures(
            content=content, actor=warehouse_user, idempotency_key="double-click"
        )

    results, errors = run_together(submit, submit)

    assert errors == [None, None]
    assert results[0].pk == results[1].pk
    assert IntakeBatch.objects.count() == 1 and Seizure.objects.count() == 5


def test_two_users_importing_one_file_at_once_import_it_once_and_flag_the_second(
    postgresql, settings, warehouse_user, second_warehouse_user, example_reference_data
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_concurrency.hold_the_lock_a_moment"
    content = EXAMPLE.read_bytes()

    results, errors = run_together(
        lambda: services.import_seizures(content=content, actor=warehouse_user),
        lambda: services.import_seizures(content=content, actor=second_warehouse_user),
    )

    assert sum(r is not None for r in results) == 1
    assert [type(e) for e in errors if e is not None] == [IntakeDuplicates]
    assert IntakeBatch.objects.count() == 1 and Seizure.objects.count() == 5
