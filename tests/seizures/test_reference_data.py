"""Reference data kept consistent: the holiday calendar moves open deadlines, the location tree
stays a tree whose bays hold no more than their zone, and the B18 hazard defaults."""

import datetime
from decimal import Decimal

import pytest

from seizures import services
from seizures.models import Holiday, Lot, LotStatus, Seizure, StorageLocation, ZoneType
from seizures.validation import LotInput
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db

# Notified Tuesday 3 March 2026: 10 working days end on Tuesday 17 March.
DEADLINE = datetime.date(2026, 3, 17)


def test_a_holiday_saved_or_deleted_through_the_api_moves_open_deadlines(
    api, admin_user, warehouse_user, office, right_holder
):
    open_case = log_seizure(warehouse_user, office)
    closed = log_seizure(warehouse_user, office)
    Lot.objects.filter(seizure=closed).update(status=LotStatus.RELEASED)
    earlier = log_seizure(
        warehouse_user,
        office,
        detained_on=datetime.date(2026, 1, 5),
        notified_on=datetime.date(2026, 1, 5),
    )
    client = api(admin_user)
    created = client.post("/api/v1/holidays/", {"date": "2026-03-10", "name": "Fair"})
    assert created.status_code == 201
    assert Seizure.objects.get(pk=open_case.pk).deadline == datetime.date(2026, 3, 18)
    assert Seizure.objects.get(pk=closed.pk).deadline == DEADLINE  # its case is over
    assert Seizure.objects.get(pk=earlier.pk).deadline == earlier.deadline  # window ended
    moved = client.patch(f"/api/v1/holidays/{created.json()['id']}/", {"date": "2026-04-01"})
    assert moved.status_code == 200
    assert Seizure.objects.get(pk=open_case.pk).deadline == DEADLINE
    client.patch(f"/api/v1/holidays/{created.json()['id']}/", {"date": "2026-03-16"})
    assert Seizure.objects.get(pk=open_case.pk).deadline == datetime.date(2026, 3, 18)
    assert client.delete(f"/api/v1/holidays/{created.json()['id']}/").status_code == 204
    assert Seizure.objects.get(pk=open_case.pk).deadline == DEADLINE


def test_a_holiday_moves_the_declarant_notice_of_a_small_consignment(
    admin_user, warehouse_user, office, right_holder
):
    small = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(articles=2, gross_weight_kg=Decimal("1"))],
        transport_mode="postal",
        legal_route="small_consignment",
        action_type="on_application",
        right_holder=right_holder,
    )
    assert small.declarant_notice_due_on == datetime.date(2026, 3, 3)
    services.save_reference_record(
        Holiday(date=datetime.date(2026, 3, 3), name="Strike"), actor=admin_user
    )
    small.refresh_from_db()
    assert small.declarant_notice_due_on == datetime.date(2026, 3, 4)


def test_a_holiday_saved_in_the_admin_moves_open_deadlines(
    client, admin_user, warehouse_user, office
):
    seizure = log_seizure(warehouse_user, office)
    client.force_login(admin_user)
    response = client.post("/admin/seizures/holiday/add/", {"date": "2026-03-10", "name": "Fair"})
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert seizure.deadline == datetime.date(2026, 3, 18)
    holiday = Holiday.objects.get()
    deleted = client.post(f"/admin/seizures/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not Holiday.objects.exists()
    seizure.refresh_from_db()
    assert seizure.deadline == DEADLINE


def tree_state() -> list[tuple]:
    return list(
        StorageLocation.objects.order_by("code").values_list(
            "code", "parent__code", "zone_type", "accepted_hazard_classes"
        )
    )


@pytest.fixture
def zone(warehouse) -> StorageLocation:
    return StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-HZ",
        kind=StorageLocation.Kind.ZONE,
        zone_type=ZoneType.HAZARDOUS,
        accepted_hazard_classes=["3", "9"],
    )


def test_a_location_cannot_move_under_its_own_sub_location(api, admin_user, warehouse, zone):
    bay = StorageLocationFactory(warehouse=warehouse, code="BRU1-HZ-B1", parent=zone)
    bin_ = StorageLocationFactory(warehouse=warehouse, code="BRU1-HZ-B1-1", parent=bay)
    before = tree_state()
    for child in (bay, bin_):
        response = api(admin_user).patch(
            f"/api/v1/locations/{zone.pk}/", {"parent": child.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["parent"] == [
            f"{child.code} lies inside BRU1-HZ: a location cannot be placed inside its own "
            "sub-location."
        ]
    assert tree_state() == before


def test_a_bay_accepts_only_what_its_zone_accepts(api, admin_user, warehouse, zone):
    general = StorageLocationFactory(
        warehouse=warehouse, code="BRU1-GEN", kind=StorageLocation.Kind.ZONE
    )
    before = tree_state()
    payload = {"name": "Bay", "warehouse": warehouse.pk, "kind": "bay"}
    wider = api(admin_user).post(
        "/api/v1/locations/",
        {
            **payload,
            "code": "BRU1-HZ-B2",
            "parent": zone.pk,
            "zone_type": "hazardous",
            "accepted_hazard_classes": ["3", "5.1"],
        },
        format="json",
    )
    assert wider.status_code == 400
    assert wider.json()["errors"]["accepted_hazard_classes"] == [
        "The parent BRU1-HZ does not accept hazard class 5.1."
    ]
    hazardous = api(admin_user).post(
        "/api/v1/locations/",
        {**payload, "code": "BRU1-GEN-B2", "parent": general.pk, "zone_type": "hazardous"},
        format="json",
    )
    assert hazardous.status_code == 400
    assert hazardous.json()["errors"]["zone_type"] == [
        "A hazardous location cannot lie in the non-hazardous BRU1-GEN."
    ]
    assert tree_state() == before


def test_a_zone_cannot_be_narrowed_below_its_bays(api, admin_user, warehouse, zone):
    StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-HZ-B1",
        parent=zone,
        zone_type=ZoneType.HAZARDOUS,
        accepted_hazard_classes=["9"],
    )
    before = tree_state()
    response = api(admin_user).patch(
        f"/api/v1/locations/{zone.pk}/",
        {"accepted_hazard_classes": ["3"], "zone_type": "non_hazardous"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "accepted_hazard_classes": [
            "Sub-locations BRU1-HZ-B1 accept hazard classes this location would not; narrow "
            "them first."
        ],
        "zone_type": [
            "Sub-locations BRU1-HZ-B1 are hazardous stores; a non-hazardous location cannot "
            "hold them."
        ],
    }
    assert tree_state() == before


@pytest.mark.parametrize(
    ("category", "waste_class", "classes"),
    [
        ("12d", None, ["2.1"]),  # lighters: flammable gas (B18, OTH row)
        ("12d", "CHE", ["6.1"]),  # an overridden waste class brings its own defaults
        ("12g", None, []),  # other goods of class OTH carry none
        ("12b", None, ["9"]),  # vehicle parts: air-bag modules (B18, AUT row)
    ],
)
def test_hazard_classes_default_per_digest_b18(category, waste_class, classes):
    lot = LotInput(
        category=category,
        description="x",
        articles=1,
        gross_weight_kg=Decimal("1"),
        waste_class=waste_class,
    )
    lot.resolve()
    assert lot.resolved_hazard_classes == classes


def test_logged_lighters_carry_class_2_1(warehouse_user, office):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="12d")]).lots.get()
    assert (lot.waste_class, lot.hazard_classes) == ("OTH", ["2.1"])
