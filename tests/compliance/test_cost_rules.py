"""The cost rules of rulebook 2026.4 (digest C7), read from the cost ledger: X-CO-01 at the record
(each destroyed lot has its destruction cost) and X-CO-03 at submission and approval (the right
holder who pays has overdue unpaid statements). Each fires on one side of its edge only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import ComplianceCheck
from compliance.proposals import propose_lines
from compliance.services import check_order, run_what_if
from destruction import services
from destruction.costs.models import Basis, CostKind, Payer, StatementStatus
from tests.compliance.test_services_checks import apparel_lot, found, order_with
from tests.destruction.certificate_factories import executed_order
from tests.destruction.conftest import build_order, eligible_lot
from tests.destruction.factories import (
    CostEntryFactory,
    FacilityFactory,
    StatementFactory,
    TariffFactory,
)
from tests.seizures.factories import RightHolderFactory, SeizureFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def findings_of(check, rule: str) -> list[dict]:
    return [finding for finding in check.findings if finding["rule"] == rule]


# --- X-CO-01: the record has each lot's destruction cost ------------------------------------------


def recorded_order(warehouse_user, admin_user, *tariffs: dict):
    """Two lots shredded through the services with these tariffs in force: the record accrues
    their costs, then stores its check."""
    for tariff in tariffs:
        TariffFactory(**tariff)
    return build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status="executed",
        lots=[eligible_lot(), eligible_lot()],
    )


STORAGE = {"kind": CostKind.STORAGE, "basis": Basis.PER_DAY, "amount": Decimal("1.50")}
SHREDDING = {"method": "RECYCLE_SHRED"}


@pytest.mark.parametrize(
    ("tariffs", "recorded"),
    [
        ((), "none"),
        ((STORAGE,), "storage"),
        # A destruction tariff for another method does not cover shredding.
        ((STORAGE, {"method": "INCIN_HAZ_HT"}), "storage"),
    ],
    ids=["no tariff", "storage only", "another method's tariff"],
)
def test_a_record_without_the_lots_destruction_cost_warns(
    warehouse_user, admin_user, tariffs, recorded
):
    order = recorded_order(warehouse_user, admin_user, *tariffs)

    check = ComplianceCheck.objects.get(order=order, stage="record")

    warnings = findings_of(check, "X-CO-01")
    assert {(f["lot"], f["severity"]) for f in warnings} == {
        (line.lot.reference, "warning") for line in order.lines.all()
    }
    assert warnings[0]["detail"].startswith(
        f"no destruction cost is recorded for the lot (costs recorded: {recorded})"
    )
    assert "S17 Regulation (EU) No 608/2013" in warnings[0]["source"]


def test_a_record_whose_lots_have_their_destruction_cost_does_not_warn(warehouse_user, admin_user):
    order = recorded_order(warehouse_user, admin_user, SHREDDING)

    check = ComplianceCheck.objects.get(order=order, stage="record")

    assert findings_of(check, "X-CO-01") == []
    assert {line.lot.costs.get().kind for line in order.lines.all()} == {CostKind.DESTRUCTION}


def test_only_the_lot_without_a_destruction_cost_is_named(warehouse_user):
    order = executed_order(lots=2)
    costed, uncosted = [line.lot for line in order.lines.order_by("lot__reference")]
    CostEntryFactory(lot=costed, order=order)
    CostEntryFactory(lot=uncosted, order=order, kind=CostKind.STORAGE)

    check = check_order(order, stage="record", actor=warehouse_user)

    assert [f["lot"] for f in findings_of(check, "X-CO-01")] == [uncosted.reference]


def test_the_record_check_reads_the_costs_in_the_same_queries_for_one_lot_and_many(
    warehouse_user,
):
    one, many = executed_order(lots=1), executed_order(lots=6)
    for order in (one, many):
        for line in order.lines.all():
            CostEntryFactory(lot=line.lot, order=order)

    with CaptureQueriesContext(connection) as single:
        check_order(one, stage="record", actor=warehouse_user)
    with CaptureQueriesContext(connection) as several:
        check = check_order(many, stage="record", actor=warehouse_user)

    assert len(single) == len(several)
    assert findings_of(check, "X-CO-01") == []


# --- X-CO-03: overdue statements of the right holder who pays ------------------------------------


def holders_order(holder, **order_fields):
    """An apparel shredding order for one lot of a seizure of `holder`, not yet submitted."""
    lot = apparel_lot()
    type(lot.seizure).objects.filter(pk=lot.seizure_id).update(right_holder=holder)
    order = order_with((lot, "RECYCLE_SHRED", {}))
    type(order).objects.filter(pk=order.pk).update(**order_fields)
    order.refresh_from_db()
    return order, lot


def days_from_today(days: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("due_in", "fires"), [(-1, True), (0, False), (1, False)], ids=["yesterday", "today", "later"]
)
def test_a_statement_is_flagged_from_the_day_after_it_was_due(warehouse_user, due_in, fires):
    holder = RightHolderFactory()
    order, lot = holders_order(holder)
    StatementFactory(right_holder=holder, number="CS-2026-0042-001", due_on=days_from_today(due_in))

    check = check_order(order, stage="submit", actor=warehouse_user)

    flagged = findings_of(check, "X-CO-03")
    assert bool(flagged) is fires
    if fires:
        assert (flagged[0]["severity"], flagged[0]["lot"]) == ("warning", lot.reference)
        assert flagged[0]["detail"] == (
            "the right holder who pays owes 100.00 EUR on overdue statements CS-2026-0042-001"
        )
        assert "suspension of its application" in flagged[0]["message"]
        assert "Arts. 16(2)(c), 29(1)" in flagged[0]["source"]


@pytest.mark.parametrize(
    ("paid", "status", "owed"),
    [
        (Decimal("0.00"), StatementStatus.OPEN, "250.00 EUR"),
        (Decimal("149.99"), StatementStatus.PART_PAID, "100.01 EUR"),
        (Decimal("250.00"), StatementStatus.PAID, None),
    ],
    ids=["open", "part-paid", "paid"],
)
def test_what_is_still_owed_is_flagged_and_a_paid_statement_is_not(
    warehouse_user, paid, status, owed
):
    holder = RightHolderFactory()
    order, _ = holders_order(holder)
    StatementFactory(
        right_holder=holder,
        number="CS-2026-0042-001",
        total=Decimal("250.00"),
        paid_amount=paid,
        status=status,
        due_on=days_from_today(-30),
    )

    check = check_order(order, stage="approve", actor=warehouse_user)

    flagged = findings_of(check, "X-CO-03")
    assert [f["detail"] for f in flagged] == (
        [f"the right holder who pays owes {owed} on overdue statements CS-2026-0042-001"]
        if owed
        else []
    )


def test_several_statements_and_currencies_are_named_together(warehouse_user):
    holder = RightHolderFactory()
    order, _ = holders_order(holder)
    overdue = days_from_today(-5)
    StatementFactory(right_holder=holder, number="CS-2026-0042-002", due_on=overdue)
    StatementFactory(
        right_holder=holder,
        number="CS-2026-0042-001",
        total=Decimal("40.50"),
        due_on=overdue,
    )
    StatementFactory(right_holder=holder, number="CS-2026-0042-003", currency="CHF", due_on=overdue)
    StatementFactory(right_holder=holder, number="CS-2026-0042-004")  # not due yet
    StatementFactory(number="CS-2026-0099-001", due_on=overdue)  # another right holder's

    check = check_order(order, stage="submit", actor=warehouse_user)

    [flagged] = findings_of(check, "X-CO-03")
    assert flagged["detail"] == (
        "the right holder who pays owes 100.00 CHF, 140.50 EUR on overdue statements "
        "CS-2026-0042-001, CS-2026-0042-002, CS-2026-0042-003"
    )


@pytest.mark.parametrize("payer", [Payer.DECLARANT, Payer.ADMINISTRATION])
def test_overdue_statements_are_not_flagged_when_someone_else_pays(warehouse_user, payer):
    holder = RightHolderFactory()
    order, _ = holders_order(holder, payer=payer)
    StatementFactory(right_holder=holder, due_on=days_from_today(-1))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert findings_of(check, "X-CO-03") == []


def test_a_seizure_without_a_right_holder_is_not_flagged(warehouse_user):
    order, _ = holders_order(None)
    StatementFactory(due_on=days_from_today(-1))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert findings_of(check, "X-CO-03") == []


def test_an_overdue_payer_is_warned_at_submission_and_acknowledged_at_approval(
    warehouse_user, admin_user
):
    holder = RightHolderFactory()
    StatementFactory(right_holder=holder, number="CS-2026-0042-001", due_on=days_from_today(-1))
    lot = eligible_lot(seizure=SeizureFactory(right_holder=holder))
    order = build_order(
        preparer=warehouse_user, approver=admin_user, status="submitted", lots=[lot]
    )

    with pytest.raises(ValidationError) as unacknowledged:
        services.approve_order(order=order, actor=admin_user)
    assert "Acknowledge the warning X-CO-03" in str(unacknowledged.value)

    acknowledged = [services.Acknowledgement(rule="X-CO-03", lot=lot.reference)]
    order = services.approve_order(order=order, actor=admin_user, acknowledgements=acknowledged)

    assert order.status == "approved"
    checks = ComplianceCheck.objects.filter(order=order).order_by("id")
    assert [check.stage for check in checks] == ["submit", "approve"]
    for check in checks:
        assert check.verdict == "needs_review"
        assert found(check)["X-CO-03"] == "warning"
    assert order.approval_acknowledgements[0]["detail"] == (
        "the right holder who pays owes 100.00 EUR on overdue statements CS-2026-0042-001"
    )


def test_the_what_if_has_no_payer_and_no_cost_finding():
    StatementFactory(due_on=days_from_today(-1))

    result = run_what_if(
        {"waste_class": "APP", "method": "RECYCLE_SHRED", "on_date": TODAY(), "parameters": {}}
    )

    assert not {finding.rule for finding in result.findings} & {"X-CO-01", "X-CO-03"}


def test_the_planners_proposals_rank_methods_without_the_payers_statements():
    """Who pays is chosen with the order, not with the method: X-CO-03 waits for submission."""
    holder = RightHolderFactory()
    StatementFactory(right_holder=holder, due_on=days_from_today(-1))
    FacilityFactory()
    lot = eligible_lot(seizure=SeizureFactory(right_holder=holder))

    [proposal] = propose_lines([lot], planned_on=days_from_today(7))

    assert proposal.option.facility is not None  # evaluated at a facility, findings and all
    options = (proposal.option, *proposal.alternatives)
    assert "X-CO-03" not in {finding.rule for option in options for finding in option.findings}
