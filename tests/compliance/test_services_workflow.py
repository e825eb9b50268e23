"""The compliance hooks as wired in settings, exercised through the destruction and seizures
services: submission and approval refuse a non-compliant order, the record stores its check,
and a placement is refused on a blocking storage rule."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from compliance.models import ComplianceCheck
from compliance.rulebook import DEFAULT_VERSION
from destruction import services
from destruction.models import OrderLine, OrderStatus
from seizures.models import ZoneType
from seizures.services import move_lot
from tests.destruction.conftest import build_order, eligible_lot, planned_day, record
from tests.destruction.factories import FacilityFactory, FacilityPermitFactory
from tests.seizures.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db


def test_the_hooks_point_at_the_compliance_services():
    assert settings.DESTRUCTION_COMPLIANCE_CHECK == "compliance.services.check_order"
    assert settings.STORAGE_PLACEMENT_CHECK == "compliance.services.check_placements"


def test_submitting_a_method_forbidden_for_the_class_is_refused_by_the_rulebook(warehouse_user):
    landfill = FacilityFactory(permit=None)
    FacilityPermitFactory(facility=landfill, operations=["D5"])
    lot = eligible_lot()
    order = services.create_order(
        actor=warehouse_user,
        lines=[services.LineInput(lot=lot, method="LANDFILL_HAZ")],
        facility=landfill,
        planned_date=planned_day(),
    )

    with pytest.raises(ValidationError) as refused:
        services.submit_order(order=order, actor=warehouse_user)

    messages = refused.value.message_dict["compliance"]
    assert any(message.startswith("APP-X1") for message in messages)
    assert any(message.startswith("X-MF-01") for message in messages)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    # The refused transition rolled back, check included: nothing half-done is kept.
    assert not ComplianceCheck.objects.exists()


def test_submitting_a_sale_or_auction_is_refused_naming_the_rule(warehouse_user):
    order = build_order(preparer=warehouse_user, approver=None)
    OrderLine.objects.filter(order=order).update(method="SALE_AUCTION")

    with pytest.raises(ValidationError) as refused:
        services.submit_order(order=order, actor=warehouse_user)

    text = " ".join(
        message for messages in refused.value.message_dict.values() for message in messages
    )
    assert "SALE_AUCTION" in text or "B0-X1" in text
    assert "X-MF-01" in text or "B0-X1" in text
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_a_donation_is_submitted_only_with_consent_and_a_customs_decision(warehouse_user):
    lot = eligible_lot()
    order = services.create_order(
        actor=warehouse_user,
        lines=[services.LineInput(lot=lot, method="REUSE_DONATE")],
        facility=FacilityFactory(),
        planned_date=planned_day(),
    )

    with pytest.raises(ValidationError) as refused:
        services.submit_order(order=order, actor=warehouse_user)

    messages = refused.value.message_dict["compliance"]
    assert messages[0] == f"The compliance check refuses to submit order {order.reference}."
    assert f"X-RH-02 (lot {lot.reference}): " in " ".join(messages)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert not ComplianceCheck.objects.exists()

    services.update_line_references(
        order=order,
        lot=lot,
        actor=warehouse_user,
        right_holder_consent_reference="RH-2026-114",
        customs_decision_reference="BE-CUS-D-2026-77",
    )
    services.submit_order(order=order, actor=warehouse_user)

    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    check = ComplianceCheck.objects.get(order=order, stage="submit")
    assert check.verdict == "compliant"  # donation ranks best: no hierarchy warning
    assert "X-RH-02" not in {finding["rule"] for finding in check.findings}


def test_submission_and_approval_store_a_check_each(warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.APPROVED)

    checks = list(ComplianceCheck.objects.filter(order=order).order_by("id"))

    assert [check.stage for check in checks] == ["submit", "approve"]
    assert [check.checked_by for check in checks] == [warehouse_user, admin_user]
    assert {check.verdict for check in checks} == {"compliant"}  # no consent: shredding is best
    assert {check.rulebook_version for check in checks} == {DEFAULT_VERSION}
    lot = order.lines.get().lot
    assert {finding["lot"] for finding in checks[0].findings} == {lot.reference}


def test_recording_the_destruction_stores_the_record_check_with_its_version(
    warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.DISPATCHED)

    record(order, warehouse_user)

    check = ComplianceCheck.objects.get(order=order, stage="record")
    assert check.rulebook_version == DEFAULT_VERSION
    assert check.checked_by == warehouse_user
    # No signed minutes were uploaded: the record is kept but not compliant (X-WE-04).
    assert check.verdict == "non_compliant"
    rules = {finding["rule"] for finding in check.findings if finding["severity"] == "blocking"}
    assert "X-WE-04" in rules
    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED


def test_placing_medicines_in_an_ordinary_zone_is_refused_by_the_storage_rules(warehouse_user):
    lot = eligible_lot(category="11")
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS, accepted_hazard_classes=["6.1"])

    with pytest.raises(ValidationError) as refused:
        move_lot(lot=lot, location=bay, actor=warehouse_user)

    assert any(m.startswith("PHA-S1:") for m in refused.value.message_dict["location"])
    lot.refresh_from_db()
    assert lot.location_id != bay.pk


def test_a_placement_with_a_warning_goes_ahead_and_keeps_its_check(warehouse_user):
    lot = eligible_lot()
    cage = StorageLocationFactory(zone_type=ZoneType.HAZARDOUS)

    move_lot(lot=lot, location=cage, actor=warehouse_user)

    lot.refresh_from_db()
    assert lot.location_id == cage.pk
    check = ComplianceCheck.objects.get(stage="storage", lot=lot)
    assert check.verdict == "needs_review"
    assert [f["rule"] for f in check.findings if f["severity"] == "warning"] == ["APP-S1"]
