import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from destruction import services
from destruction.certificates.services import issue_certificate
from destruction.models import (
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    Facility,
    LegalBasis,
    OrderLine,
    OrderStatus,
    Payer,
)
from project.compliance import CheckResult, Finding, Severity, Verdict
from project.errors import TransitionNotAllowed
from seizures import services as seizure_services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.destruction.conftest import (
    build_order,
    eligible_lot,
    planned_day,
    record,
    record_arguments,
)
from tests.destruction.factories import (
    DestructionOrderFactory,
    FacilityFactory,
    FacilityPermitFactory,
    OrderLineFactory,
)
from tests.destruction.test_evidence import PNG
from tests.seizures.factories import CustomsOfficeFactory, SeizureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]
Kind = CustodyEvent.Kind


def kinds(lot) -> list[str]:
    return list(lot.custody_events.order_by("sequence").values_list("kind", flat=True))


def line(lot, method="RECYCLE_SHRED", justification=""):
    return services.LineInput(lot=lot, method=method, justification=justification)


def snapshot(*lots):
    """What a refused service must leave untouched."""
    return (
        sorted(DestructionOrder.objects.values_list("id", "status")),
        sorted(OrderLine.objects.values_list("lot_id", "active")),
        [(lot.pk, Lot.objects.get(pk=lot.pk).status) for lot in lots],
        CustodyEvent.objects.count(),
    )


# --- create ---------------------------------------------------------------------------------


def test_creating_an_order_allocates_its_lots_with_a_custody_event(warehouse_user, facility):
    shirts = eligible_lot(reference="BRU-2026-00001-01")
    court = eligible_lot(
        seizure=SeizureFactory(office=shirts.seizure.office, final_judgment=True),
        reference="BRU-2026-00002-01",
    )

    order = services.create_order(
        actor=warehouse_user,
        lines=[line(shirts), line(court, "RECOVER_WTE", "No recycler takes this feedstock.")],
        facility=facility,
        planned_date=planned_day(),
        cost_estimate=Decimal("850.00"),
        seal_numbers=[" SEAL-1 ", "SEAL-2", ""],
        planned_witnesses=[{"name": "Olga", "organisation": "Customs", "role": "customs_officer"}],
    )

    assert order.status == OrderStatus.DRAFT
    assert order.reference == f"DO-BRU-{planned_day().year}-00001"
    assert order.office == shirts.seizure.office
    assert order.prepared_by == warehouse_user
    assert order.payer == Payer.RIGHT_HOLDER
    assert order.seal_numbers == ["SEAL-1", "SEAL-2"]
    lines = {ln.lot_id: ln for ln in order.lines.all()}
    assert lines[shirts.pk].legal_basis == LegalBasis.ART_23
    assert lines[court.pk].legal_basis == LegalBasis.COURT
    assert lines[court.pk].method == "RECOVER_WTE"
    assert lines[court.pk].justification == "No recycler takes this feedstock."
    assert all(ln.active for ln in lines.values())
    for lot in (shirts, court):
        lot.refresh_from_db()
        assert lot.status == LotStatus.ALLOCATED
        event = lot.custody_events.get()
        assert event.kind == Kind.ALLOCATED
        assert event.details["order"] == order.reference
        assert event.actor == warehouse_user
    assert verify_chains() == []


def test_goods_without_a_right_holder_are_paid_by_the_administration(warehouse_user, facility):
    lot = eligible_lot(seizure=SeizureFactory(right_holder=None))

    order = services.create_order(
        actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
    )

    assert order.payer == Payer.ADMINISTRATION


def test_order_references_count_up_per_office_and_year(warehouse_user, facility):
    office = CustomsOfficeFactory(code="ANR")
    first = services.create_order(
        actor=warehouse_user,
        lines=[line(eligible_lot(office))],
        facility=facility,
        planned_date=planned_day(),
    )
    second = services.create_order(
        actor=warehouse_user,
        lines=[line(eligible_lot(office))],
        facility=facility,
        planned_date=planned_day(),
    )

    year = planned_day().year
    assert (first.reference, second.reference) == (f"DO-ANR-{year}-00001", f"DO-ANR-{year}-00002")


# --- refusals at planning: each leaves everything as it was -----------------------------------


def _seizure(**fields):
    return SeizureFactory(office=CustomsOfficeFactory(code="BRU"), **fields)


@pytest.mark.parametrize(
    ("seizure_fields", "message"),
    [
        (
            {"deadline": datetime.date(2099, 1, 10)},
            "X-LB-02: the declarant's deadline runs until 2099-01-10",
        ),
        ({"right_holder_agreement_on": None}, "X-LB-02: the right holder's written agreement"),
        (
            {"right_holder_agreement_on": datetime.date(2026, 3, 18)},
            "X-LB-02: the right holder's agreement of 2026-03-18 came after the deadline of "
            "2026-03-17",
        ),
        ({"deadline": None, "notified_on": None}, "X-LB-02: no statutory deadline"),
        (
            {"declarant_objected": True, "proceedings_due_on": datetime.date(2099, 1, 10)},
            "X-LB-05: no court proceedings (court, reference, start) are recorded (to be "
            "started by 2099-01-10).",
        ),
        (
            {"legal_route": "court", "proceedings_due_on": datetime.date(2026, 3, 17)},
            "X-LB-05: no proceedings were started by 2026-03-17: the goods are to be released.",
        ),
        ({"legal_route": "abandonment"}, "X-LB-01: the declarant's written abandonment"),
        (
            {"legal_route": "small_consignment", "deadline": datetime.date(2099, 1, 10)},
            "X-LB-02: the declarant's deadline runs until 2099-01-10",
        ),
    ],
    ids=[
        "deadline not reached",
        "no right holder agreement",
        "late right holder agreement",
        "no deadline",
        "declarant objected",
        "court proceedings not started in time",
        "abandonment without declarant",
        "small consignment deadline not reached",
    ],
)
def test_a_lot_whose_legal_route_is_incomplete_cannot_be_planned(
    warehouse_user, facility, seizure_fields, message
):
    lot = eligible_lot(seizure=_seizure(**seizure_fields))
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
        )

    assert message in refused.value.message_dict["lots"][0]
    assert snapshot(lot) == before


def test_destruction_is_planned_only_after_the_legal_route_completed(warehouse_user, facility):
    # The declarant's written agreement is dated the planned day itself (X-LB-04: strictly
    # after; a right holder's agreement that late would be past the deadline, X-LB-02).
    lot = eligible_lot(seizure=_seizure(declarant_agreement_on=planned_day(7)))
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day(7)
        )

    assert refused.value.message_dict["lots"] == [
        f"X-LB-04: lot {lot.reference} may be destroyed only after "
        f"{planned_day(7):%Y-%m-%d}, when its legal route completed."
    ]
    assert snapshot(lot) == before
    services.create_order(
        actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day(8)
    )


def test_a_lot_on_hold_cannot_be_planned(warehouse_user, admin_user, facility):
    lot = eligible_lot()
    seizure_services.place_hold(seizure=lot.seizure, reason="Criminal case", actor=admin_user)
    before = snapshot(lot)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
        )

    assert f"Lot {lot.reference} is on hold, not in storage." in refused.value.message
    assert f"seizure {lot.seizure.reference} is under a legal hold" in refused.value.message
    assert snapshot(lot) == before


def test_a_lot_already_allocated_cannot_join_a_second_order(order_in, warehouse_user, facility):
    order = order_in()
    lot = order.lines.get().lot
    before = snapshot(lot)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
        )

    assert refused.value.message == (
        f"Lot {lot.reference} is allocated to a destruction order, not in storage."
    )
    assert snapshot(lot) == before


def test_a_facility_whose_permit_expired_by_the_planned_date_cannot_be_chosen(warehouse_user):
    facility = FacilityFactory(name="Old Burner", permit=None)
    FacilityPermitFactory(
        facility=facility, number="P-OLD", valid_until=planned_day(3), operations=["R3"]
    )
    lot = eligible_lot()
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day(7)
        )

    assert refused.value.message_dict["lots"] == [
        f"X-MF-03: facility Old Burner holds no permit valid on {planned_day(7):%Y-%m-%d} "
        f"(permit P-OLD expired on {planned_day(3):%Y-%m-%d})."
    ]
    assert snapshot(lot) == before


def test_a_facility_without_the_methods_operation_code_cannot_be_chosen(warehouse_user):
    facility = FacilityFactory(name="Textile Loop", permit=None)
    FacilityPermitFactory(facility=facility, operations=["R3"], hazardous_allowed=False)
    lot = eligible_lot()

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user,
            lines=[line(lot, "RECYCLE_BATTERY")],
            facility=facility,
            planned_date=planned_day(),
        )

    assert refused.value.message_dict["lots"] == [
        f"X-MF-03: no permit of facility Textile Loop valid on {planned_day():%Y-%m-%d} lists "
        "R4 or R6, needed for RECYCLE_BATTERY."
    ]


def test_hazardous_lots_need_a_permit_allowing_hazardous_waste(warehouse_user):
    facility = FacilityFactory(name="Textile Loop", permit=None)
    FacilityPermitFactory(facility=facility, operations=["R3"], hazardous_allowed=False)
    lot = eligible_lot(category="2a")  # perfume: UN classes 3 and 2.1

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
        )

    assert "does not allow hazardous waste" in refused.value.message_dict["lots"][0]
    assert "UN class 2.1, 3" in refused.value.message_dict["lots"][0]


def test_forbidden_methods_and_bad_inputs_are_refused_before_anything_is_read(
    warehouse_user, facility
):
    lot = eligible_lot()
    other_office = eligible_lot(CustomsOfficeFactory(code="ANR"))

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user,
            lines=[line(lot, "SALE_AUCTION"), line(lot)],
            facility=facility,
            planned_date=timezone.localdate() - datetime.timedelta(days=1),
            cost_estimate=Decimal("-1"),
            cost_currency="euro",
            seal_numbers=["S1", "S1"],
            planned_witnesses=[{"name": "", "role": "priest"}],
        )

    errors = refused.value.message_dict
    assert errors["methods"] == [
        f"Lot {lot.reference}: X-MF-01: method SALE_AUCTION is forbidden for goods to be destroyed."
    ]
    assert errors["lots"] == ["A lot is listed twice."]
    assert errors["planned_date"] == ["Plan the destruction for today or a later day."]
    assert errors["cost_estimate"] == ["The cost estimate cannot be negative."]
    assert errors["cost_currency"] == ["Give a three-letter currency code, e.g. EUR."]
    assert errors["seal_numbers"] == ["A seal number is listed twice."]
    assert errors["planned_witnesses"][0].startswith("Witness 1: give a name and a role")
    with pytest.raises(ValidationError) as mixed:
        services.create_order(
            actor=warehouse_user,
            lines=[line(lot), line(other_office)],
            facility=facility,
            planned_date=planned_day(),
        )
    assert mixed.value.message_dict["lots"] == [
        "The lots of one order come from seizures of one customs office."
    ]
    assert Lot.objects.filter(status=LotStatus.ALLOCATED).count() == 0


# --- the transition table ------------------------------------------------------------------

ACTIONS = ("submit", "approve", "dispatch", "record", "cancel")
# What each action needs the order to be in, and what it makes of it.
ACTION_TRANSITION = {
    "submit": (OrderStatus.DRAFT, OrderStatus.SUBMITTED),
    "approve": (OrderStatus.SUBMITTED, OrderStatus.APPROVED),
    "dispatch": (OrderStatus.APPROVED, OrderStatus.DISPATCHED),
    "record": (OrderStatus.DISPATCHED, OrderStatus.EXECUTED),
}
CANCELLABLE = {
    OrderStatus.DRAFT,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.DISPATCHED,
}
START_STATES = (
    OrderStatus.DRAFT,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.DISPATCHED,
    OrderStatus.EXECUTED,
    OrderStatus.CERTIFIED,
    OrderStatus.CANCELLED,
)


def run_action(action, order, warehouse_user, admin_user):
    if action == "submit":
        return services.submit_order(order=order, actor=warehouse_user)
    if action == "approve":
        return services.approve_order(order=order, actor=admin_user)
    if action == "dispatch":
        return services.dispatch_order(
            order=order, actor=warehouse_user, total_weight_kg=Decimal("25")
        )
    if action == "record":
        arguments = record_arguments(order)
        arguments["gate_weight_kg"] = Decimal("25")
        arguments["outputs"] = [services.OutputInput("recycled", Decimal("25"), "Fibre plant")]
        return services.record_destruction(order=order, actor=warehouse_user, **arguments)
    return services.cancel_order(order=order, actor=warehouse_user, reason="Facility closed")


def expected_outcome(start, action):
    if action == "cancel":
        return OrderStatus.CANCELLED if start in CANCELLABLE else None
    needed, new = ACTION_TRANSITION[action]
    return new if start == needed else None


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("start", START_STATES)
def test_every_row_of_the_order_transition_table(
    start, action, order_in, warehouse_user, admin_user
):
    if start == OrderStatus.CANCELLED:
        order = order_in(OrderStatus.DRAFT)
        services.cancel_order(order=order, actor=warehouse_user, reason="Plan changed")
    elif start == OrderStatus.CERTIFIED:
        order = order_in(OrderStatus.EXECUTED)
        issue_certificate(order=order, actor=admin_user)
    else:
        order = order_in(start)
    lot = Lot.objects.get(order_lines__order=order)
    before = snapshot(lot)
    expected = expected_outcome(start, action)

    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            run_action(action, order, warehouse_user, admin_user)
        assert refused.value.message.startswith(f"Order {order.reference} is {start}")
        assert snapshot(lot) == before
    else:
        run_action(action, order, warehouse_user, admin_user)
        order.refresh_from_db()
        lot.refresh_from_db()
        assert order.status == expected
        event = lot.custody_events.order_by("-sequence").first()
        assert event.details["order"] == order.reference
        assert (
            event.kind
            == {
                "submit": Kind.ORDER_SUBMITTED,
                "approve": Kind.ORDER_APPROVED,
                "dispatch": Kind.DISPATCHED,
                "record": Kind.DESTROYED,
                "cancel": Kind.DEALLOCATED,
            }[action]
        )
        assert (
            lot.status
            == {
                "submit": LotStatus.ALLOCATED,
                "approve": LotStatus.ALLOCATED,
                "dispatch": LotStatus.IN_TRANSIT,
                "record": LotStatus.DESTROYED,
                "cancel": LotStatus.IN_STORAGE,
            }[action]
        )
    assert verify_chains() == []


def test_a_full_run_leaves_one_custody_event_per_step_on_every_lot(order_in):
    lots = [eligible_lot(), eligible_lot()]
    order = order_in(OrderStatus.EXECUTED, lots=lots)

    assert order.status == OrderStatus.EXECUTED
    for lot in lots:
        assert kinds(lot) == [
            Kind.ALLOCATED,
            Kind.ORDER_SUBMITTED,
            Kind.ORDER_APPROVED,
            Kind.DISPATCHED,
            Kind.DESTROYED,
        ]
    assert verify_chains() == []


# --- four eyes -----------------------------------------------------------------------------


def test_the_preparer_cannot_approve_their_own_order(admin_user, warehouse_user):
    order = build_order(preparer=admin_user, approver=warehouse_user)
    services.submit_order(order=order, actor=admin_user)
    lot = order.lines.get().lot
    before = snapshot(lot)

    with pytest.raises(PermissionDenied) as refused:
        services.approve_order(order=order, actor=admin_user)

    assert str(refused.value) == (
        f"Four eyes: you prepared or submitted order {order.reference}; another person must "
        "approve it."
    )
    assert snapshot(lot) == before


def test_the_submitter_cannot_approve_either(warehouse_user, second_warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    services.submit_order(order=order, actor=admin_user)

    with pytest.raises(PermissionDenied):
        services.approve_order(order=order, actor=admin_user)

    services.approve_order(order=order, actor=second_warehouse_user)
    order.refresh_from_db()
    assert (order.status, order.approved_by) == (OrderStatus.APPROVED, second_warehouse_user)


# --- checks again at submit, approve and dispatch ------------------------------------------


def test_a_hold_placed_after_planning_stops_submission(order_in, warehouse_user, admin_user):
    order = order_in()
    lot = order.lines.get().lot
    seizure_services.place_hold(seizure=lot.seizure, reason="Court order", actor=admin_user)
    before = snapshot(lot)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.submit_order(order=order, actor=warehouse_user)

    assert refused.value.message == (
        f"Lot {lot.reference}: seizure {lot.seizure.reference} is under a legal hold."
    )
    assert snapshot(lot) == before


def test_a_hold_placed_after_approval_stops_dispatch(order_in, warehouse_user, admin_user):
    order = order_in(OrderStatus.APPROVED)
    lot = order.lines.get().lot
    seizure_services.place_hold(seizure=lot.seizure, reason="Court order", actor=admin_user)
    before = snapshot(lot)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.dispatch_order(order=order, actor=warehouse_user, total_weight_kg=Decimal("25"))

    assert refused.value.message == (
        f"Lot {lot.reference}: seizure {lot.seizure.reference} is under a legal hold."
    )
    assert snapshot(lot) == before


def test_a_hold_placed_after_dispatch_stops_the_record(order_in, warehouse_user, admin_user):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot
    seizure_services.place_hold(seizure=lot.seizure, reason="Court order", actor=admin_user)
    before = snapshot(lot)
    photo = services.EvidenceInput("photo", SimpleUploadedFile("shredder.png", PNG))

    with pytest.raises(TransitionNotAllowed) as refused:
        record(order, warehouse_user, evidence=[photo])

    assert refused.value.message == (
        f"Lot {lot.reference}: seizure {lot.seizure.reference} is under a legal hold."
    )
    assert snapshot(lot) == before
    assert not DestructionRecord.objects.exists()
    assert not EvidenceFile.objects.exists()
    seizure_services.lift_hold(seizure=lot.seizure, actor=admin_user, reason="Case closed")
    record(order, warehouse_user)
    lot.refresh_from_db()
    assert lot.status == LotStatus.DESTROYED


def test_an_order_whose_planned_date_has_passed_is_not_approved(order_in, admin_user):
    order = order_in(OrderStatus.SUBMITTED)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DestructionOrder.objects.filter(pk=order.pk).update(planned_date=yesterday)
    before = snapshot(order.lines.get().lot)

    with pytest.raises(ValidationError) as refused:
        services.approve_order(order=order, actor=admin_user)

    assert refused.value.message_dict == {
        "planned_date": [
            f"Order {order.reference} was planned for {yesterday:%Y-%m-%d}, which has passed: "
            "cancel it and plan its lots again with a new date."
        ]
    }
    assert snapshot(order.lines.get().lot) == before


def test_a_permit_revoked_before_approval_stops_it(order_in, admin_user):
    order = order_in(OrderStatus.SUBMITTED)
    order.facility.permits.update(valid_until=timezone.localdate())
    before = snapshot(order.lines.get().lot)

    with pytest.raises(ValidationError) as refused:
        services.approve_order(order=order, actor=admin_user)

    assert refused.value.message_dict["lots"][0].startswith("X-MF-03: facility")
    assert snapshot(order.lines.get().lot) == before


# --- compliance hook -----------------------------------------------------------------------

checks_run: list = []


def non_compliant_check(order, *, stage, actor):
    checks_run.append((order.reference, stage, actor.username))
    return CheckResult(
        Verdict.NON_COMPLIANT,
        (
            Finding("APP-X1", Severity.BLOCKING, "Landfill of textiles."),
            Finding("X-MF-02", Severity.WARNING, "Lower rank."),
        ),
    )


def compliant_check(order, *, stage, actor):
    checks_run.append((order.reference, stage, actor.username))
    return CheckResult(Verdict.COMPLIANT)


def test_a_non_compliant_check_refuses_submission_with_its_blocking_rules(
    settings, order_in, warehouse_user
):
    order = order_in()
    before = snapshot(order.lines.get().lot)
    checks_run.clear()
    settings.DESTRUCTION_COMPLIANCE_CHECK = "tests.destruction.test_services.non_compliant_check"

    with pytest.raises(ValidationError) as refused:
        services.submit_order(order=order, actor=warehouse_user)

    assert refused.value.message_dict["compliance"] == [
        f"The compliance check refuses to submit order {order.reference}.",
        "APP-X1: Landfill of textiles.",
    ]
    assert checks_run == [(order.reference, "submit", "warehouse")]
    assert snapshot(order.lines.get().lot) == before


def test_a_non_compliant_check_refuses_approval(settings, order_in, admin_user):
    order = order_in(OrderStatus.SUBMITTED)
    before = snapshot(order.lines.get().lot)
    settings.DESTRUCTION_COMPLIANCE_CHECK = "tests.destruction.test_services.non_compliant_check"

    with pytest.raises(ValidationError) as refused:
        services.approve_order(order=order, actor=admin_user)

    assert refused.value.message_dict["compliance"] == [
        f"The compliance check refuses to approve order {order.reference}.",
        "APP-X1: Landfill of textiles.",
    ]
    assert snapshot(order.lines.get().lot) == before
    order.refresh_from_db()
    assert (order.approved_by, order.approved_at) == (None, None)


def test_the_compliance_check_runs_at_submit_approve_and_record(settings, order_in):
    checks_run.clear()
    settings.DESTRUCTION_COMPLIANCE_CHECK = "tests.destruction.test_services.compliant_check"

    order = order_in(OrderStatus.EXECUTED)

    assert [stage for _, stage, _ in checks_run] == ["submit", "approve", "record"]
    assert order.status == OrderStatus.EXECUTED


def test_a_non_compliant_record_is_still_recorded(settings, order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)
    settings.DESTRUCTION_COMPLIANCE_CHECK = "tests.destruction.test_services.non_compliant_check"

    record(order, warehouse_user)

    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED


# --- dispatch ------------------------------------------------------------------------------


def test_dispatch_records_weights_per_lot_and_the_seals_in_the_custody_chain(
    order_in, warehouse_user
):
    lots = [eligible_lot(), eligible_lot()]
    order = order_in(OrderStatus.APPROVED, lots=lots)

    services.dispatch_order(
        order=order,
        actor=warehouse_user,
        line_weights={lots[0].pk: Decimal("24.5"), lots[1].pk: Decimal("26.1")},
        seal_numbers=["SEAL-9001", "SEAL-9002"],
        vehicle="2-XYZ-987",
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    assert order.dispatch_weight_kg == Decimal("50.600")
    assert order.seal_numbers == ["SEAL-9001", "SEAL-9002"]
    assert order.dispatched_by == warehouse_user
    weights = dict(order.lines.values_list("lot_id", "dispatch_weight_kg"))
    assert weights == {lots[0].pk: Decimal("24.500"), lots[1].pk: Decimal("26.100")}
    for lot in lots:
        lot.refresh_from_db()
        assert lot.status == LotStatus.IN_TRANSIT
        event = lot.custody_events.order_by("-sequence").first()
        assert event.kind == Kind.DISPATCHED
        assert event.details["seal_numbers"] == ["SEAL-9001", "SEAL-9002"]
        assert event.details["vehicle"] == "2-XYZ-987"
        assert event.details["carrier_registration"] == "WASTE-CARRIER-123"
        assert event.from_location_id == lot.location_id


def test_dispatch_needs_weights_carrier_and_seals(order_in, warehouse_user):
    order = order_in(OrderStatus.APPROVED, carrier_registration="", seal_numbers=[])
    lot = order.lines.get().lot
    before = snapshot(lot)

    with pytest.raises(ValidationError) as no_weight:
        services.dispatch_order(order=order, actor=warehouse_user)
    with pytest.raises(ValidationError) as mismatch:
        services.dispatch_order(
            order=order,
            actor=warehouse_user,
            total_weight_kg=Decimal("30"),
            line_weights={lot.pk: Decimal("25")},
        )
    with pytest.raises(ValidationError) as no_carrier:
        services.dispatch_order(order=order, actor=warehouse_user, total_weight_kg=Decimal("25"))

    assert no_weight.value.message_dict == {
        "total_weight_kg": ["Give the dispatch weight, in total or per lot."]
    }
    assert mismatch.value.message_dict == {
        "total_weight_kg": ["The lots weigh 25 kg in total, not 30 kg."]
    }
    assert no_carrier.value.message_dict == {
        "order": [
            "X-CC-07: record the carrier and its waste-carrier registration.",
            "X-CC-01: record the seal numbers of the load.",
        ]
    }
    assert snapshot(lot) == before


# --- record --------------------------------------------------------------------------------


def test_recording_destroys_the_lots_and_stores_the_record(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot

    saved = record(
        order,
        warehouse_user,
        gate_weight_kg=Decimal("25.400"),
        temperature_c=1100,
        residence_time_s=Decimal("2.5"),
        outputs=[
            services.OutputInput("recycled", Decimal("20"), "Fibre recycler Gent"),
            services.OutputInput("energy_recovery", Decimal("5.2"), "Indaver Doel"),
        ],
        witnesses=[
            services.WitnessInput("Olga Officer", "Customs", "customs_officer"),
            services.WitnessInput("Rita Rights", "Brand SA", "right_holder"),
        ],
        actual_methods={lot.pk: "RECOVER_WTE"},
    )

    order.refresh_from_db()
    lot.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    assert saved.gate_weight_kg == Decimal("25.400")
    assert saved.temperature_c == 1100
    assert saved.mass_balance_deviation is False
    assert saved.recorded_by == warehouse_user
    assert sorted(saved.outputs.values_list("route", "weight_kg")) == [
        ("energy_recovery", Decimal("5.200")),
        ("recycled", Decimal("20.000")),
    ]
    assert saved.witnesses.count() == 2
    assert order.lines.get().actual_method == "RECOVER_WTE"
    assert (lot.status, lot.location) == (LotStatus.DESTROYED, None)
    event = lot.custody_events.order_by("-sequence").first()
    assert (event.kind, event.details["method"]) == (Kind.DESTROYED, "RECOVER_WTE")
    assert event.quantity == lot.articles


def test_a_mass_balance_breach_needs_a_written_justification(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)  # dispatched at 25 kg; tolerance max(2 %, 5 kg)
    lot = order.lines.get().lot
    before = snapshot(lot)
    short = {
        "gate_weight_kg": Decimal("19.5"),
        "outputs": [services.OutputInput("recycled", Decimal("19.5"), "Fibre plant")],
    }

    with pytest.raises(ValidationError) as refused:
        record(order, warehouse_user, **short)

    assert refused.value.message_dict["deviation_justification"] == [
        "X-QM-02: gate weight 19.5 kg differs from the dispatch weight 25.000 kg by 5.500 kg "
        "(tolerance 5.000 kg).",
        "X-QM-02: explain the deviation in a written justification.",
    ]
    assert snapshot(lot) == before
    assert not DestructionRecord.objects.exists()

    saved = record(
        order, warehouse_user, deviation_justification="Water drained from wet boxes.", **short
    )

    assert saved.mass_balance_deviation is True
    assert saved.deviation_justification == "Water drained from wet boxes."


def test_outputs_must_add_up_to_the_gate_weight_within_the_tolerance(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)

    with pytest.raises(ValidationError) as refused:
        record(
            order, warehouse_user, outputs=[services.OutputInput("recycled", Decimal("10"), "Gent")]
        )

    assert refused.value.message_dict["deviation_justification"][0] == (
        "X-QM-02: output fractions total 10 kg against a gate weight of 25.000 kg, 15.000 kg "
        "apart (tolerance 5.000 kg)."
    )


def test_the_mass_balance_tolerance_is_configurable(settings):
    settings.COMPLIANCE_PARAMETERS = {"mass_tolerance_pct": 2.0, "mass_tolerance_kg": 5.0}
    within = services.mass_balance(
        dispatch_kg=Decimal("1000"), gate_kg=Decimal("1019"), output_kg=Decimal("1019")
    )
    beyond = services.mass_balance(
        dispatch_kg=Decimal("1000"), gate_kg=Decimal("1021"), output_kg=Decimal("1021")
    )
    assert (within.tolerance_dispatch_kg, within.breaches) == (Decimal("20"), ())
    assert len(beyond.breaches) == 1
    settings.COMPLIANCE_PARAMETERS = {"mass_tolerance_pct": 0.5, "mass_tolerance_kg": 0.0}
    strict = services.mass_balance(
        dispatch_kg=Decimal("100"), gate_kg=Decimal("101"), output_kg=Decimal("101")
    )
    assert strict.tolerance_dispatch_kg == Decimal("0.5")
    assert len(strict.breaches) == 1


def test_record_refuses_missing_witnesses_bad_times_and_unpermitted_methods(
    order_in, warehouse_user
):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot
    before = snapshot(lot)
    now = timezone.now()

    with pytest.raises(ValidationError) as bad_input:
        record(
            order,
            warehouse_user,
            started_at=now,
            ended_at=now - datetime.timedelta(hours=1),
            outputs=[],
            witnesses=[services.WitnessInput("Fred", "Plant", "facility_operator")],
        )
    with pytest.raises(ValidationError) as forbidden:
        record(order, warehouse_user, actual_methods={lot.pk: "LANDFILL_ENG"})

    assert bad_input.value.message_dict == {
        "ended_at": ["The destruction cannot end before it started."],
        "outputs": ["Record at least one output fraction (X-QM-02)."],
        "witnesses": [
            "X-WE-01: a customs officer attended: name them among the witnesses, or record why "
            "no officer attended."
        ],
    }
    assert forbidden.value.message_dict["actual_methods"] == [
        f"Lot {lot.reference}: X-MF-03: no permit of facility {order.facility.name} valid on "
        f"{timezone.localdate():%Y-%m-%d} lists D1 or D5, needed for LANDFILL_ENG."
    ]
    assert snapshot(lot) == before


def test_an_absent_officer_needs_the_documented_decision(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)
    witnesses = [services.WitnessInput("Fred", "Plant", "facility_operator")]

    with pytest.raises(ValidationError) as refused:
        record(order, warehouse_user, customs_officer_present=False, witnesses=witnesses)
    saved = record(
        order,
        warehouse_user,
        customs_officer_present=False,
        officer_absence_reason="Low-risk textiles; CCTV of the shredder kept.",
        witnesses=witnesses,
    )

    assert refused.value.message_dict == {
        "officer_absence_reason": ["X-WE-01: record the risk-based decision not to attend."]
    }
    assert saved.customs_officer_present is False


def test_units_reconcile_with_samples_taken_before_planning(warehouse_user, order_in):
    lot = eligible_lot(articles=100)
    seizure_services.take_sample(
        lot=lot, articles=4, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    lot.refresh_from_db()

    order = order_in(OrderStatus.EXECUTED, lots=[lot])

    lot.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    sample = lot.samples.get()
    assert lot.articles + sample.seized_articles == lot.seized_articles
    assert lot.custody_events.get(kind=Kind.DESTROYED).quantity == 96


def test_units_that_do_not_reconcile_refuse_the_record(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot
    Lot.objects.filter(pk=lot.pk).update(articles=90)  # ten articles went missing

    with pytest.raises(ValidationError) as refused:
        record(order, warehouse_user)

    assert refused.value.message_dict["lots"] == [
        f"X-QM-01: lot {lot.reference}: 90 destroyed + 0 sampled + 0 released is not the 100 "
        "seized."
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


# --- cancel, add and remove ----------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.DISPATCHED],
)
def test_cancelling_returns_the_lots_to_storage_so_they_can_be_planned_again(
    start, order_in, warehouse_user, facility
):
    order = order_in(start)
    lot = order.lines.get().lot

    services.cancel_order(order=order, actor=warehouse_user, reason="  Facility closed  ")

    order.refresh_from_db()
    lot.refresh_from_db()
    assert (order.status, order.cancellation_reason) == (OrderStatus.CANCELLED, "Facility closed")
    assert order.cancelled_by == warehouse_user
    assert lot.status == LotStatus.IN_STORAGE
    assert order.lines.get().active is False
    last = lot.custody_events.order_by("-sequence").first()
    assert (last.kind, last.details["reason"]) == (Kind.DEALLOCATED, "Facility closed")
    again = services.create_order(
        actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
    )
    assert again.lines.get().lot == lot
    assert verify_chains() == []


def test_cancelling_needs_a_reason(order_in, warehouse_user):
    order = order_in()
    with pytest.raises(ValidationError) as refused:
        services.cancel_order(order=order, actor=warehouse_user, reason=" ")
    assert refused.value.message_dict == {"reason": ["Give the reason for the cancellation."]}


def test_lots_are_added_and_removed_while_the_order_is_a_draft(order_in, warehouse_user):
    order = order_in()
    first = order.lines.get().lot
    second = eligible_lot(first.seizure.office)

    services.add_lots(order=order, lines=[line(second, "RECOVER_WTE")], actor=warehouse_user)
    services.remove_lots(order=order, lots=[first], actor=warehouse_user, reason="Wrong lot")

    assert list(order.lines.filter(active=True).values_list("lot_id", "method")) == [
        (second.pk, "RECOVER_WTE")
    ]
    first.refresh_from_db()
    assert first.status == LotStatus.IN_STORAGE
    assert kinds(first) == [Kind.ALLOCATED, Kind.DEALLOCATED]
    with pytest.raises(ValidationError) as last_one:
        services.remove_lots(order=order, lots=[second], actor=warehouse_user)
    assert last_one.value.message_dict == {
        "lots": ["An order keeps at least one lot; cancel the order instead."]
    }
    services.submit_order(order=order, actor=warehouse_user)
    with pytest.raises(TransitionNotAllowed) as not_draft:
        services.add_lots(order=order, lines=[line(first)], actor=warehouse_user)
    assert not_draft.value.message == (
        f"Order {order.reference} is submitted; only a draft order can add lots."
    )


@pytest.mark.parametrize(
    "start",
    [OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.DISPATCHED],
)
def test_cancelling_puts_the_lots_of_a_held_seizure_back_on_hold(
    start, order_in, warehouse_user, admin_user
):
    order = order_in(start)
    lot = order.lines.get().lot
    seizure_services.place_hold(seizure=lot.seizure, reason="Court order", actor=admin_user)

    services.cancel_order(order=order, actor=warehouse_user, reason="Hold placed")

    lot.refresh_from_db()
    assert lot.status == LotStatus.ON_HOLD
    held = lot.custody_events.order_by("-sequence").first()
    assert kinds(lot)[-2:] == [Kind.DEALLOCATED, Kind.HELD]
    assert held.details == {"reason": "Court order", "order": order.reference}
    assert verify_chains() == []
    seizure_services.lift_hold(seizure=lot.seizure, actor=admin_user, reason="Case closed")
    lot.refresh_from_db()
    assert lot.status == LotStatus.IN_STORAGE


# --- never in two open orders: the database constraint behind the status guard ----------------


def test_the_database_refuses_a_second_active_line_for_a_lot(order_in):
    lot = order_in().lines.get().lot
    other = DestructionOrderFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLineFactory(order=other, lot=lot)

    assert list(OrderLine.objects.filter(lot=lot).values_list("active", flat=True)) == [True]


def test_a_lot_past_the_status_guard_is_refused_by_the_constraint_as_a_conflict(
    order_in, warehouse_user, facility
):
    lot = order_in().lines.get().lot
    # The status guard no longer protects the lot: only the constraint is left.
    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.IN_STORAGE)
    before = snapshot(lot)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.create_order(
            actor=warehouse_user, lines=[line(lot)], facility=facility, planned_date=planned_day()
        )

    assert refused.value.message == "A lot is already in another open order."
    assert snapshot(lot) == before


# --- record: destinations, weighbridge ticket, bounded texts --------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {
                "outputs": [
                    services.OutputInput("recycled", Decimal("20"), "Fibre plant Gent"),
                    services.OutputInput("energy_recovery", Decimal("5"), "  "),
                ]
            },
            {"outputs": ["Output 2: name the downstream destination of its 5 kg (X-MF-07)."]},
        ),
        (
            {"weighbridge_ticket": " "},
            {
                "weighbridge_ticket": [
                    "X-QM-02: give the number of the weighbridge ticket of the gate weight."
                ]
            },
        ),
        (
            {"customs_officer_present": False, "officer_absence_reason": "x" * 16000},
            {"officer_absence_reason": ["At most 2000 characters (16000 given)."]},
        ),
        (
            {"deviation_justification": "x" * 16000},
            {"deviation_justification": ["At most 4000 characters (16000 given)."]},
        ),
    ],
    ids=["output without destination", "no ticket", "long absence reason", "long justification"],
)
def test_record_needs_destinations_a_ticket_and_bounded_texts(
    order_in, warehouse_user, overrides, errors
):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        record(order, warehouse_user, **overrides)

    assert refused.value.message_dict == errors
    assert snapshot(lot) == before
    assert not DestructionRecord.objects.exists()


def test_an_empty_output_fraction_needs_no_destination(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)

    saved = record(
        order,
        warehouse_user,
        outputs=[
            services.OutputInput("recycled", Decimal("25"), "Fibre plant Gent"),
            services.OutputInput("landfilled", Decimal("0")),
        ],
    )

    assert sorted(saved.outputs.values_list("route", "destination")) == [
        ("landfilled", ""),
        ("recycled", "Fibre plant Gent"),
    ]


# --- facilities ----------------------------------------------------------------------------


def test_a_facility_with_unknown_certifications_is_not_saved(admin_user):
    with pytest.raises(ValidationError) as refused:
        services.save_facility(
            actor=admin_user,
            name="Bogus Plant",
            operator="Bogus NV",
            address="Somewhere 1",
            country="BE",
            certifications=["BOGUS", 5],
        )

    assert refused.value.message_dict == {
        "certifications": [
            "Unknown certification BOGUS, 5; choose from ISO14001, WEEE, R2, E_STEWARDS."
        ]
    }
    assert not Facility.objects.exists()


# --- line references ---------------------------------------------------------------------------

PAPERS = {
    "right_holder_consent_reference": "RH-2026-114",
    "customs_decision_reference": "BE-CUS-D-2026-77",
    "lab_analysis_reference": "LAB-2026-0042",
}


def references(order) -> list[tuple[str, str, str]]:
    return list(
        order.lines.filter(active=True).values_list(*services.LINE_REFERENCES).order_by("lot")
    )


def test_an_order_is_planned_with_the_references_of_its_lines(warehouse_user, facility):
    lot = eligible_lot()

    order = services.create_order(
        actor=warehouse_user,
        lines=[
            services.LineInput(
                lot=lot,
                method="REUSE_DONATE",
                right_holder_consent_reference=" RH-2026-114 ",
                customs_decision_reference="BE-CUS-D-2026-77",
            )
        ],
        facility=facility,
        planned_date=planned_day(),
    )

    assert references(order) == [("RH-2026-114", "BE-CUS-D-2026-77", "", "")]


def test_a_reference_longer_than_80_characters_is_refused_when_planning(warehouse_user, facility):
    lot = eligible_lot(reference="BRU-2026-00009-01")
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        services.create_order(
            actor=warehouse_user,
            lines=[
                services.LineInput(lot=lot, method="RECYCLE_SHRED", lab_analysis_reference="L" * 81)
            ],
            facility=facility,
            planned_date=planned_day(),
        )

    assert refused.value.message_dict == {
        "lab_analysis_reference": ["Lot BRU-2026-00009-01: At most 80 characters (81 given)."]
    }
    assert snapshot(lot) == before


def test_the_references_of_a_draft_line_are_recorded_and_corrected(order_in, warehouse_user):
    order = order_in()
    lot = order.lines.get().lot
    events = CustodyEvent.objects.count()

    services.update_line_references(order=order, lot=lot, actor=warehouse_user, **PAPERS)
    services.update_line_references(
        order=order, lot=lot, actor=warehouse_user, lab_analysis_reference="  "
    )

    assert references(order) == [("RH-2026-114", "BE-CUS-D-2026-77", "", "")]
    # No goods moved: the custody chain is unchanged.
    assert CustodyEvent.objects.count() == events


def test_references_are_refused_once_submitted_too_long_or_for_another_lot(
    order_in, warehouse_user
):
    order = order_in()
    lot = order.lines.get().lot
    stranger = eligible_lot(lot.seizure.office, reference="BRU-2026-00077-01")

    with pytest.raises(ValidationError) as too_long:
        services.update_line_references(
            order=order, lot=lot, actor=warehouse_user, right_holder_consent_reference="R" * 81
        )
    with pytest.raises(ValidationError) as nothing:
        services.update_line_references(order=order, lot=lot, actor=warehouse_user)
    with pytest.raises(ValidationError) as not_in_order:
        services.update_line_references(order=order, lot=stranger, actor=warehouse_user, **PAPERS)
    services.submit_order(order=order, actor=warehouse_user)
    with pytest.raises(TransitionNotAllowed) as submitted:
        services.update_line_references(order=order, lot=lot, actor=warehouse_user, **PAPERS)

    assert too_long.value.message_dict == {
        "right_holder_consent_reference": ["At most 80 characters (81 given)."]
    }
    assert nothing.value.message_dict == {"references": ["Give at least one reference to record."]}
    assert not_in_order.value.message_dict == {
        "lot": [f"Lot BRU-2026-00077-01 is not in order {order.reference}."]
    }
    assert submitted.value.message == (
        f"Order {order.reference} is submitted; only a draft order can edit references."
    )
    assert references(order) == [("", "", "", "")]


def test_the_record_keeps_denaturing_and_neutralised_pyrotechnics(order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)

    saved = record(order, warehouse_user, denatured=True, pyrotechnics_neutralised=True)

    saved.refresh_from_db()
    assert (saved.denatured, saved.pyrotechnics_neutralised) == (True, True)
