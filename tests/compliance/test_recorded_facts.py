"""Rules that never fired because nothing recorded their facts (issue 12): the excise notice of
an alcohol line (ALC-C1), the liquid volume (COS-C1) and the decomposition state of food
(FOOD-C1) on the destruction record, the time a lot has been waste (X-CC-05 c). Each is now
recorded, so the stored checks decide the rule instead of softening it to information."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance.services import check_order, check_placement
from destruction.models import DestructionRecord
from seizures.models import Lot, ZoneType
from tests.compliance.test_services_checks import (
    found,
    order_with,
    settled_seizure,
    shredding_facility,
)
from tests.destruction.certificate_factories import executed_order
from tests.destruction.factories import OrderLineFactory
from tests.seizures.factories import LotFactory, SeizureFactory, StorageLocationFactory

pytestmark = pytest.mark.django_db


def spirits_order(**line):
    lot = LotFactory(seizure=settled_seizure(), category="1b", hazard_classes=["3"])
    return order_with((lot, "RECOVER_AD", line), facility=shredding_facility())


@pytest.mark.parametrize(("reference", "warns"), [("", True), ("EXC-2026-0042", False)])
def test_alcohol_lines_record_the_excise_notice(warehouse_user, reference, warns):
    order = spirits_order(excise_notification_reference=reference)

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert (found(check).get("ALC-C1") == "warning") is warns


def record_of(waste_class: str, **fields):
    order = executed_order(lots=1)
    Lot.objects.filter(order_lines__order=order).update(waste_class=waste_class, hazard_classes=[])
    DestructionRecord.objects.filter(order=order).update(**fields)
    return order


@pytest.mark.parametrize(
    ("waste_class", "rule", "fields"),
    [
        ("COS", "COS-C1", {"liquid_volume_l": Decimal("40.5")}),
        ("FOOD", "FOOD-C1", {"decomposition_state": "spoiled"}),
    ],
)
def test_the_record_states_liquids_and_the_state_of_food(warehouse_user, waste_class, rule, fields):
    missing = check_order(record_of(waste_class), stage="record", actor=warehouse_user)
    recorded = check_order(record_of(waste_class, **fields), stage="record", actor=warehouse_user)

    assert found(missing)[rule] == "warning"  # a real gap now, not "not tracked"
    assert rule not in found(recorded)


def test_a_lot_waste_for_over_a_year_alarms_unless_recovery_is_planned(warehouse_user):
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS)
    decided = timezone.localdate() - datetime.timedelta(days=400)
    seizure = SeizureFactory(right_holder_agreement_on=decided, declarant_agreement_on=decided)
    lot = LotFactory(seizure=seizure, category="3a", location=bay)

    alarms = {f.rule: f.detail for f in check_placement(lot, bay, actor=warehouse_user)}
    assert "stored over 1 year before disposal" in alarms["X-CC-05"]

    OrderLineFactory(order=order_with(), lot=lot, method="RECYCLE_SHRED")
    after = {f.rule for f in check_placement(lot, bay, actor=warehouse_user)}
    assert "X-CC-05" not in after


@pytest.mark.parametrize(("days_ago", "warns"), [(90, False), (91, True)])
def test_a_location_not_counted_for_over_90_days_warns(warehouse_user, days_ago, warns):
    counted = timezone.localdate() - datetime.timedelta(days=days_ago)
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS, last_stocktake_on=counted)
    lot = LotFactory(seizure=settled_seizure(), category="3a", location=bay)

    findings = {f.rule: f.severity for f in check_placement(lot, bay, actor=warehouse_user)}

    assert (findings.get("X-CC-06") == "warning") is warns


def test_a_stocktake_is_recorded_on_the_location_through_the_api(api, admin_user):
    bay = StorageLocationFactory()
    today = timezone.localdate()

    response = api(admin_user).patch(
        f"/api/v1/locations/{bay.pk}/", {"last_stocktake_on": str(today)}, format="json"
    )
    assert response.status_code == 200, response.json()
    bay.refresh_from_db()
    assert bay.last_stocktake_on == today

    future = api(admin_user).patch(
        f"/api/v1/locations/{bay.pk}/",
        {"last_stocktake_on": str(today + datetime.timedelta(days=1))},
        format="json",
    )
    assert future.status_code == 400
    assert "last_stocktake_on" in future.json()["errors"]
