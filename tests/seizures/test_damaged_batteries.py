"""A damaged battery lot (X-CC-04's condition, BAT-S2) goes only to a quarantine location that
accepts UN class 9: refused in a fire-separated bay, at intake, on a move and when a stocktake
would settle it there."""

import pytest
from django.core.exceptions import ValidationError

from compliance.models import ComplianceCheck
from seizures import services
from seizures.models import CustodyEvent, Lot, ZoneType
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db


def battery_lot(**overrides):
    return lot_input(
        category="6b",
        description="Counterfeit power banks",
        waste_class="BAT",
        hazard_classes=["9"],
        **overrides,
    )


@pytest.fixture
def fire_bay(warehouse):
    return StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-FS-B01",
        zone_type=ZoneType.FIRE_SEPARATED,
        accepted_hazard_classes=["9"],
    )


@pytest.fixture
def quarantine(warehouse):
    return StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-QU-B01",
        zone_type=ZoneType.QUARANTINE,
        accepted_hazard_classes=["9"],
    )


def test_a_damaged_battery_lot_is_refused_outside_quarantine_at_intake(
    warehouse_user, office, fire_bay, quarantine
):
    with pytest.raises(ValidationError) as refusal:
        log_seizure(warehouse_user, office, lots=[battery_lot(location=fire_bay, damaged=True)])
    assert "X-CC-04" in str(refusal.value)
    assert "quarantine" in str(refusal.value)
    assert not Lot.objects.exists()

    seizure = log_seizure(
        warehouse_user, office, lots=[battery_lot(location=quarantine, damaged=True)]
    )
    assert seizure.lots.get().location == quarantine


def test_a_battery_lot_found_swollen_must_move_to_quarantine(
    warehouse_user, office, warehouse, fire_bay, quarantine
):
    lot = log_seizure(warehouse_user, office, lots=[battery_lot(location=fire_bay)]).lots.get()
    other_fire_bay = StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-FS-B02",
        zone_type=ZoneType.FIRE_SEPARATED,
        accepted_hazard_classes=["9"],
    )

    lot = services.record_lot_condition(
        lot=lot, damaged=True, note="Swollen cells, warm to the touch", actor=warehouse_user
    )

    # The condition fires X-CC-04 where the lot stands: recorded in the event and the check.
    event = lot.custody_events.get(kind=CustodyEvent.Kind.CONDITION_RECORDED)
    assert [b.split(":")[0] for b in event.details["storage_breaches"]] == ["X-CC-04"]
    check = ComplianceCheck.objects.filter(lot=lot, stage="storage").latest("id")
    assert "X-CC-04" in {f["rule"] for f in check.findings if f["severity"] == "blocking"}
    with pytest.raises(ValidationError) as refusal:
        services.move_lot(lot=lot, location=other_fire_bay, actor=warehouse_user)
    assert "X-CC-04" in str(refusal.value)
    assert Lot.objects.get(pk=lot.pk).location == fire_bay

    moved = services.move_lot(lot=lot, location=quarantine, actor=warehouse_user)
    assert moved.location == quarantine
