"""Races on PostgreSQL: two threads, each with its own database connection, act on one order or
one lot at the same time. Exactly one wins, the other gets TransitionNotAllowed (HTTP 409), no
custody event is lost or doubled, and every chain verifies.

The compliance hook runs inside submit, approve and record after the guarded update; the tests
use it to keep the winner's row lock a moment, so the loser really queues behind it.
"""

import time
from decimal import Decimal

import pytest

from destruction import services
from destruction.models import DestructionRecord, OrderLine, OrderStatus
from project.errors import TransitionNotAllowed
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, LotStatus
from tests.concurrency import run_together
from tests.destruction.conftest import build_order, eligible_lot, planned_day, record_arguments
from tests.destruction.factories import FacilityFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("without_compliance_hook"),
]
Kind = CustodyEvent.Kind


def hold_the_lock_a_moment(order, *, stage, actor):
    time.sleep(0.4)


def one_winner(results, errors):
    assert sum(r is not None for r in results) == 1, errors
    assert [type(e) for e in errors if e is not None] == [TransitionNotAllowed]


@pytest.fixture
def slow_check(settings):
    settings.DESTRUCTION_COMPLIANCE_CHECK = (
        "tests.destruction.test_concurrency.hold_the_lock_a_moment"
    )


def test_two_approvers_at_once_give_one_approval_and_one_conflict(
    postgresql, slow_check, warehouse_user, second_warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    lot = order.lines.get().lot
    other_admin = type(admin_user).objects.create(username="admin2")
    other_admin.groups.set(admin_user.groups.all())

    results, errors = run_together(
        lambda: services.approve_order(order=order, actor=admin_user),
        lambda: services.approve_order(order=order, actor=other_admin),
    )

    one_winner(results, errors)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.approved_by in (admin_user, other_admin)
    assert lot.custody_events.filter(kind=Kind.ORDER_APPROVED).count() == 1
    assert verify_chains() == []


def test_two_dispatches_at_once_give_one_dispatch(
    postgresql, warehouse_user, second_warehouse_user, admin_user
):
    lots = [eligible_lot(), eligible_lot()]
    order = build_order(
        preparer=warehouse_user, approver=admin_user, status=OrderStatus.APPROVED, lots=lots
    )

    results, errors = run_together(
        lambda: services.dispatch_order(
            order=order, actor=warehouse_user, total_weight_kg=Decimal("50")
        ),
        lambda: services.dispatch_order(
            order=order, actor=second_warehouse_user, total_weight_kg=Decimal("51")
        ),
    )

    one_winner(results, errors)
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    for lot in lots:
        lot.refresh_from_db()
        assert lot.status == LotStatus.IN_TRANSIT
        assert lot.custody_events.filter(kind=Kind.DISPATCHED).count() == 1
    assert verify_chains() == []


def test_two_records_at_once_destroy_the_lots_once(
    postgresql, slow_check, warehouse_user, second_warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.DISPATCHED)
    lot = order.lines.get().lot

    results, errors = run_together(
        lambda: services.record_destruction(
            order=order, actor=warehouse_user, **record_arguments(order)
        ),
        lambda: services.record_destruction(
            order=order, actor=second_warehouse_user, **record_arguments(order)
        ),
    )

    one_winner(results, errors)
    assert DestructionRecord.objects.filter(order=order).count() == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.DESTROYED
    assert lot.custody_events.filter(kind=Kind.DESTROYED).count() == 1
    assert verify_chains() == []


def test_approving_while_cancelling_leaves_one_consistent_outcome(
    postgresql, slow_check, warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    lot = order.lines.get().lot

    results, errors = run_together(
        lambda: services.approve_order(order=order, actor=admin_user),
        lambda: services.cancel_order(order=order, actor=warehouse_user, reason="Changed plan"),
    )

    order.refresh_from_db()
    lot.refresh_from_db()
    assert errors.count(None) >= 1
    if order.status == OrderStatus.CANCELLED:
        assert lot.status == LotStatus.IN_STORAGE
        assert lot.custody_events.filter(kind=Kind.DEALLOCATED).count() == 1
    else:
        # Approved first, then cancelled behind it, or the cancel lost: both are consistent.
        assert order.status == OrderStatus.APPROVED
        assert lot.status == LotStatus.ALLOCATED
    assert verify_chains() == []


def test_allocating_one_lot_to_two_orders_at_once_gives_one_order(
    postgresql, warehouse_user, second_warehouse_user
):
    lot = eligible_lot()
    facility = FacilityFactory()

    def plan(actor):
        return services.create_order(
            actor=actor,
            lines=[services.LineInput(lot=lot, method="RECYCLE_SHRED")],
            facility=facility,
            planned_date=planned_day(),
        )

    results, errors = run_together(
        lambda: plan(warehouse_user), lambda: plan(second_warehouse_user)
    )

    one_winner(results, errors)
    assert OrderLine.objects.filter(lot=lot, active=True).count() == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.ALLOCATED
    assert lot.custody_events.filter(kind=Kind.ALLOCATED).count() == 1
    assert verify_chains() == []
