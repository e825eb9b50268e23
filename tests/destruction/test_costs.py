"""The cost ledger: tariffs -> costs per lot at the record -> a statement to the right holder ->
payments. The figures are written out here, so a changed rule fails a test."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from destruction.costs.models import (
    Basis,
    CostEntry,
    CostKind,
    Payer,
    StatementStatus,
    Tariff,
    UnbilledCost,
)
from destruction.costs.services import (
    accrue_released_costs,
    issue_statement,
    rebuild_unbilled_costs,
    record_payment,
    tariff_for,
)
from project.errors import TransitionNotAllowed
from seizures import services as seizure_services
from tests.destruction.conftest import build_order, eligible_lot
from tests.destruction.factories import FacilityFactory
from tests.seizures.factories import (
    CustomsOfficeFactory,
    RightHolderFactory,
    SeizureFactory,
    StorageLocationFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]

YEAR_START = datetime.date(2026, 1, 1)


def tariffs(facility):
    """Storage 1.50/day, handling 12.00/event, transport 300.00 flat to this facility,
    shredding 0.80/kg; a dearer hazardous-zone storage tariff that these lots never use."""
    return [
        Tariff.objects.create(
            kind=CostKind.STORAGE, basis=Basis.PER_DAY, amount="1.50", valid_from=YEAR_START
        ),
        Tariff.objects.create(
            kind=CostKind.STORAGE,
            basis=Basis.PER_DAY,
            amount="4.00",
            zone_type="hazardous",
            valid_from=YEAR_START,
        ),
        Tariff.objects.create(
            kind=CostKind.HANDLING, basis=Basis.PER_EVENT, amount="12.00", valid_from=YEAR_START
        ),
        Tariff.objects.create(
            kind=CostKind.TRANSPORT,
            basis=Basis.FLAT,
            amount="300.00",
            facility=facility,
            valid_from=YEAR_START,
        ),
        Tariff.objects.create(
            kind=CostKind.DESTRUCTION,
            basis=Basis.PER_KG,
            amount="0.80",
            method="RECYCLE_SHRED",
            valid_from=YEAR_START,
        ),
    ]


@pytest.fixture
def destroyed(warehouse_user, admin_user):
    """Two lots of one right holder (100 kg and 50 kg) stored ten days, the second moved once,
    destroyed by shredding in one order paid by the right holder."""
    facility = FacilityFactory()
    tariffs(facility)
    holder = RightHolderFactory(name="Brand Owner SA")
    seizure = SeizureFactory(right_holder=holder)
    stored = timezone.now() - datetime.timedelta(days=10)
    heavy = eligible_lot(seizure=seizure, gross_weight_kg=Decimal("100"), stored_since=stored)
    light = eligible_lot(seizure=seizure, gross_weight_kg=Decimal("50"), stored_since=stored)
    seizure_services.move_lot(
        lot=light,
        location=StorageLocationFactory(warehouse=light.location.warehouse),
        actor=warehouse_user,
    )
    order = build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status="executed",
        lots=[heavy, light],
        facility=facility,
        payer=Payer.RIGHT_HOLDER,
    )
    return order, holder, heavy, light


def amounts(lot) -> dict[str, Decimal]:
    return dict(CostEntry.objects.filter(lot=lot).values_list("kind", "amount"))


def test_the_record_accrues_each_lots_costs_by_its_tariffs(destroyed):
    order, _, heavy, light = destroyed
    assert amounts(heavy) == {
        "storage": Decimal("15.00"),  # 10 days x 1.50
        "transport": Decimal("200.00"),  # 100 of 150 kg of the 300.00 flat
        "destruction": Decimal("80.00"),  # 100 kg x 0.80
    }
    assert amounts(light) == {
        "storage": Decimal("15.00"),
        "handling": Decimal("12.00"),  # one move
        "transport": Decimal("100.00"),
        "destruction": Decimal("40.00"),
    }
    entries = CostEntry.objects.filter(order=order)
    assert {entry.payer for entry in entries} == {Payer.RIGHT_HOLDER}
    storage = entries.get(lot=heavy, kind="storage")
    assert storage.rule.startswith("10 days × 1.5 EUR per day")
    assert storage.tariff.amount == Decimal("1.50")


def test_a_flat_tariff_is_shared_to_the_cent(warehouse_user, admin_user):
    facility = FacilityFactory()
    tariffs(facility)
    lots = [eligible_lot(gross_weight_kg=Decimal("1")) for _ in range(3)]
    build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status="executed",
        lots=lots,
        facility=facility,
    )
    shares = [amounts(lot)["transport"] for lot in lots]
    assert shares == [Decimal("100.00")] * 3
    assert sum(shares) == Decimal("300.00")


def test_the_most_specific_tariff_applies():
    facility = FacilityFactory()
    general, hazardous, *_ = tariffs(facility)
    day = datetime.date(2026, 6, 1)
    assert tariff_for("storage", day, zone_type="non_hazardous") == general
    assert tariff_for("storage", day, zone_type="hazardous") == hazardous
    assert tariff_for("storage", datetime.date(2025, 12, 31)) is None
    newer = Tariff.objects.create(
        kind="storage", basis="per_day", amount="2.00", valid_from=datetime.date(2026, 6, 1)
    )
    assert tariff_for("storage", day, zone_type="non_hazardous") == newer
    assert tariff_for("storage", day - datetime.timedelta(days=1)) == general


def test_a_statement_bills_the_right_holders_unbilled_costs_once(destroyed, admin_user):
    _, holder, _, _ = destroyed
    today = timezone.localdate()
    statement = issue_statement(
        right_holder=holder, period_from=YEAR_START, period_to=today, actor=admin_user
    )
    assert statement.total == Decimal("462.00")  # 295.00 + 167.00
    assert statement.entries.count() == 7
    assert statement.status == StatementStatus.OPEN
    assert statement.due_on == today + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        issue_statement(
            right_holder=holder, period_from=YEAR_START, period_to=today, actor=admin_user
        )
    assert "no unbilled costs" in str(refused.value)


def test_costs_another_payer_carries_are_not_on_the_statement(warehouse_user, admin_user):
    facility = FacilityFactory()
    tariffs(facility)
    holder = RightHolderFactory()
    lot = eligible_lot(seizure=SeizureFactory(right_holder=holder))
    build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status="executed",
        lots=[lot],
        facility=facility,
        payer=Payer.ADMINISTRATION,
    )
    assert CostEntry.objects.filter(lot=lot, payer=Payer.ADMINISTRATION).count() == 3
    with pytest.raises(ValidationError):
        issue_statement(
            right_holder=holder,
            period_from=YEAR_START,
            period_to=timezone.localdate(),
            actor=admin_user,
        )


def test_payments_make_a_statement_part_paid_then_paid(destroyed, admin_user):
    _, holder, _, _ = destroyed
    today = timezone.localdate()
    statement = issue_statement(
        right_holder=holder, period_from=YEAR_START, period_to=today, actor=admin_user
    )
    statement = record_payment(
        statement=statement, amount=Decimal("400"), paid_on=today, actor=admin_user
    )
    assert (statement.status, statement.outstanding) == (
        StatementStatus.PART_PAID,
        Decimal("62.00"),
    )
    with pytest.raises(ValidationError) as too_much:
        record_payment(
            statement=statement, amount=Decimal("62.01"), paid_on=today, actor=admin_user
        )
    assert "Only 62.00 EUR is outstanding" in str(too_much.value)
    statement = record_payment(
        statement=statement, amount=Decimal("62"), paid_on=today, actor=admin_user
    )
    assert statement.status == StatementStatus.PAID
    assert statement.payments.count() == 2
    with pytest.raises(TransitionNotAllowed):
        record_payment(statement=statement, amount=Decimal("1"), paid_on=today, actor=admin_user)


def test_overdue_is_one_day_after_the_due_day(destroyed, admin_user):
    _, holder, _, _ = destroyed
    statement = issue_statement(
        right_holder=holder,
        period_from=YEAR_START,
        period_to=timezone.localdate(),
        actor=admin_user,
    )
    assert not statement.is_overdue(statement.due_on)
    assert statement.is_overdue(statement.due_on + datetime.timedelta(days=1))


def test_a_released_lot_accrues_its_storage_once(warehouse_user, admin_user):
    tariffs(FacilityFactory())
    stored = timezone.now() - datetime.timedelta(days=4)
    lot = eligible_lot(stored_since=stored)
    seizure_services.release_lot(lot=lot, reason="Found genuine", actor=warehouse_user)
    first = accrue_released_costs()
    assert [(e.kind, e.amount, e.payer) for e in first] == [
        ("storage", Decimal("6.00"), Payer.RIGHT_HOLDER)
    ]
    assert accrue_released_costs() == []


def unbilled_counters() -> dict[tuple[str, str], tuple[Decimal, int]]:
    rows = UnbilledCost.objects.values_list("office__code", "currency", "amount", "entries")
    return {(office, currency): (amount, entries) for office, currency, amount, entries in rows}


def recounted() -> dict[tuple[str, str], tuple[Decimal, int]]:
    """What `rebuild_unbilled_costs` would write, read without writing it (offices with no
    unbilled entry keep a zero counter row)."""
    zero = {key: (Decimal("0.00"), 0) for key in unbilled_counters()}
    rows = (
        CostEntry.objects.unbilled()
        .values("lot__office__code", "currency")
        .annotate(amount=Sum("amount"), entries=Count("id"))
        .values_list("lot__office__code", "currency", "amount", "entries")
    )
    return {**zero, **{(office, currency): (amount, n) for office, currency, amount, n in rows}}


def test_the_unbilled_totals_follow_accrual_and_billing_and_match_a_recount(
    destroyed, warehouse_user, admin_user
):
    """The record (its office: 462.00 in 7 entries), a released lot of another office accrued by
    `accrue_costs`, another accrued by its statement, then the statements: each step keeps the
    counters equal to a recount."""
    _, holder, heavy, _ = destroyed
    first = heavy.office.code
    assert unbilled_counters() == {(first, "EUR"): (Decimal("462.00"), 7)}
    office = CustomsOfficeFactory(code="ANR")
    stored = timezone.now() - datetime.timedelta(days=4)
    released = eligible_lot(
        seizure=SeizureFactory(office=office, right_holder=RightHolderFactory()),
        stored_since=stored,
    )
    seizure_services.release_lot(lot=released, reason="Found genuine", actor=warehouse_user)
    call_command("accrue_costs", stdout=io.StringIO())
    assert unbilled_counters() == {
        (first, "EUR"): (Decimal("462.00"), 7),
        ("ANR", "EUR"): (Decimal("6.00"), 1),
    }
    also = eligible_lot(
        seizure=SeizureFactory(office=office, right_holder=holder), stored_since=stored
    )
    seizure_services.release_lot(lot=also, reason="Found genuine", actor=warehouse_user)
    today = timezone.localdate()
    issue_statement(right_holder=holder, period_from=YEAR_START, period_to=today, actor=admin_user)
    assert unbilled_counters() == {
        (first, "EUR"): (Decimal("0.00"), 0),
        ("ANR", "EUR"): (Decimal("6.00"), 1),
    }
    assert unbilled_counters() == recounted()
    issue_statement(
        right_holder=released.seizure.right_holder,
        period_from=YEAR_START,
        period_to=today,
        actor=admin_user,
    )
    assert unbilled_counters() == {
        (first, "EUR"): (Decimal("0.00"), 0),
        ("ANR", "EUR"): (Decimal("0.00"), 0),
    }
    UnbilledCost.objects.update(amount=Decimal("99"))
    assert rebuild_unbilled_costs() == 0  # nothing is unbilled: no counter rows
    call_command("rebuild_unbilled_costs", stdout=io.StringIO())
    assert unbilled_counters() == {}


def test_the_dashboard_shows_the_unbilled_totals_of_the_users_offices(
    destroyed, client, admin_user
):
    _, _, heavy, _ = destroyed
    client.force_login(admin_user)
    panel = client.get("/").text
    assert "Costs not yet billed</dt><dd>462.00 EUR</dd>" in panel
    UnbilledCost.objects.all().delete()
    call_command("rebuild_unbilled_costs", stdout=io.StringIO())
    assert unbilled_counters() == {(heavy.office.code, "EUR"): (Decimal("462.00"), 7)}
