"""A lot's condition (damaged, swollen, leaking): recorded at intake and at any time after, with
a custody event, so X-CC-04 and BAT-S2 (damaged goods in quarantine) can fire."""

import pytest
from django.core.exceptions import ValidationError

from compliance.models import ComplianceCheck
from project.errors import TransitionNotAllowed
from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot, ZoneType
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db
Kind = CustodyEvent.Kind


@pytest.fixture
def quarantine(warehouse):
    return StorageLocationFactory(
        warehouse=warehouse, code="BRU1-QU-B01", zone_type=ZoneType.QUARANTINE
    )


@pytest.fixture
def shirts(warehouse_user, office, general_bay):
    return log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()


def url(lot) -> str:
    return f"/api/v1/lots/{lot.pk}/condition/"


def test_recording_a_lot_damaged_stores_it_with_a_custody_event(warehouse_user, shirts):
    lot = services.record_lot_condition(
        lot=shirts, damaged=True, note="Cartons soaked, dye leaking", actor=warehouse_user
    )

    assert Lot.objects.get(pk=shirts.pk).damaged is True
    event = lot.custody_events.get(kind=Kind.CONDITION_RECORDED)
    assert event.details["damaged"] is True
    assert event.details["note"] == "Cartons soaked, dye leaking"
    # Recorded, not refused: where it stands breaches X-CC-04, and the event says so.
    assert [breach.split(":")[0] for breach in event.details["storage_breaches"]] == ["X-CC-04"]
    assert event.from_location == shirts.location
    assert verify_chains([lot.pk]) == []
    stored = ComplianceCheck.objects.get(lot=lot, stage="storage")
    assert stored.verdict == "non_compliant"
    assert {f["rule"] for f in stored.findings if f["severity"] == "blocking"} == {"X-CC-04"}


def test_a_damaged_lot_moves_only_into_quarantine(warehouse_user, shirts, general_bay, quarantine):
    services.record_lot_condition(lot=shirts, damaged=True, note="Leaking", actor=warehouse_user)
    other_bay = StorageLocationFactory(warehouse=general_bay.warehouse, code="BRU1-GEN-B02")

    with pytest.raises(ValidationError) as refusal:
        services.move_lot(lot=shirts, location=other_bay, actor=warehouse_user)
    assert "X-CC-04" in str(refusal.value)

    moved = services.move_lot(lot=shirts, location=quarantine, actor=warehouse_user)
    assert moved.location == quarantine


def test_recording_the_same_condition_twice_or_without_a_note_is_refused(warehouse_user, shirts):
    with pytest.raises(ValidationError) as no_note:
        services.record_lot_condition(lot=shirts, damaged=True, note=" ", actor=warehouse_user)
    assert set(no_note.value.message_dict) == {"note"}
    with pytest.raises(ValidationError) as unchanged:
        services.record_lot_condition(lot=shirts, damaged=False, note="ok", actor=warehouse_user)
    assert set(unchanged.value.message_dict) == {"damaged"}
    assert not shirts.custody_events.filter(kind=Kind.CONDITION_RECORDED).exists()


def test_a_released_lot_has_no_condition_to_record(warehouse_user, admin_user, shirts):
    services.release_lot(lot=shirts, reason="Found genuine", actor=admin_user)

    with pytest.raises(TransitionNotAllowed):
        services.record_lot_condition(lot=shirts, damaged=True, note="x", actor=warehouse_user)


def test_a_damaged_lot_logged_at_intake_goes_to_quarantine(
    warehouse_user, office, general_bay, quarantine
):
    with pytest.raises(ValidationError) as refusal:
        log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay, damaged=True)])
    assert "X-CC-04" in str(refusal.value)

    seizure = log_seizure(
        warehouse_user, office, lots=[lot_input(location=quarantine, damaged=True)]
    )
    assert seizure.lots.get().damaged is True


def test_api_records_the_condition_and_answers_the_lot(api, warehouse_user, shirts):
    response = api(warehouse_user).post(
        url(shirts), {"damaged": True, "note": "Swollen"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["damaged"] is True
    assert Lot.objects.get(pk=shirts.pk).damaged is True


def test_api_condition_gives_field_errors_for_bad_input(api, warehouse_user, shirts):
    response = api(warehouse_user).post(url(shirts), {"damaged": "maybe"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"damaged", "note"}
    assert Lot.objects.get(pk=shirts.pk).damaged is False


def test_api_condition_is_refused_to_auditors(api, auditor_user, shirts):
    response = api(auditor_user).post(url(shirts), {"damaged": True, "note": "x"}, format="json")

    assert response.status_code == 403
    assert Lot.objects.get(pk=shirts.pk).damaged is False


def test_api_condition_conflicts_with_a_released_lot(api, warehouse_user, admin_user, shirts):
    services.release_lot(lot=shirts, reason="Found genuine", actor=admin_user)

    response = api(warehouse_user).post(url(shirts), {"damaged": True, "note": "x"}, format="json")

    assert response.status_code == 409


def test_api_lot_list_shows_and_filters_the_condition(api, warehouse_user, shirts):
    lots = api(warehouse_user).get("/api/v1/lots/", {"damaged": "false"}).json()
    assert [row["reference"] for row in lots["results"]] == [shirts.reference]
    assert lots["results"][0]["damaged"] is False


def test_lot_page_records_the_condition_and_shows_the_event(client, warehouse_user, shirts):
    client.force_login(warehouse_user)
    page = client.get(f"/lots/{shirts.pk}/").content.decode()
    assert "<summary>Record condition</summary>" in page

    response = client.post(
        f"/lots/{shirts.pk}/condition/", {"damaged": "True", "note": "Leaking bottles"}
    )

    assert response.status_code == 302
    page = client.get(f"/lots/{shirts.pk}/").content.decode()
    assert "Damaged or leaking" in page
    assert "Condition recorded" in page
    assert Lot.objects.get(pk=shirts.pk).damaged is True


def test_lot_page_shows_a_missing_note_on_its_field(client, warehouse_user, shirts):
    client.force_login(warehouse_user)

    response = client.post(f"/lots/{shirts.pk}/condition/", {"damaged": "True", "note": ""})

    assert response.status_code == 200
    assert response.context["condition_form"].errors["note"]
    assert Lot.objects.get(pk=shirts.pk).damaged is False
