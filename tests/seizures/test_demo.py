import hashlib
import io

import pytest
from PIL import Image

from seizures import demo
from seizures.custody import verify_chains
from seizures.models import (
    CustodyEvent,
    Lot,
    LotStatus,
    Seizure,
    StorageLocation,
    TransportMode,
    ZoneType,
)

pytestmark = pytest.mark.django_db


def test_demo_data_covers_storage_intake_and_custody(
    client, warehouse_user, auditor_user, admin_user
):
    demo.load(
        users={"warehouse": warehouse_user, "auditor": auditor_user, "admin": admin_user},
        stdout=io.StringIO(),
    )
    assert 15 <= Seizure.objects.count() <= 25
    # The court route: one judgment ordering destruction that is final, one case pending.
    court = Seizure.objects.filter(legal_route="court")
    final = court.get(judgment_final_since__isnull=False)
    assert (final.judgment_outcome, final.court_reference) == ("destruction", "26/4512/A")
    pending = court.get(judgment_on__isnull=True)
    assert pending.proceedings_started_on <= pending.proceedings_due_on
    assert set(Seizure.objects.values_list("transport_mode", flat=True)) == set(
        TransportMode.values
    )
    assert set(StorageLocation.objects.values_list("zone_type", flat=True)) == set(ZoneType.values)
    assert {"BAT", "COS", "PHA", "CHE", "ALC"} <= set(
        Lot.objects.values_list("waste_class", flat=True)
    )
    assert Seizure.objects.filter(on_hold=True).count() == 1
    assert Lot.objects.filter(status=LotStatus.ON_HOLD).exists()
    assert Lot.objects.filter(status=LotStatus.RELEASED).count() == 1
    assert Lot.objects.filter(parent__isnull=False).count() == 3
    # Intake classification (PHA-S2, AUT-S2): a controlled drug and asbestos brake pads.
    assert Lot.objects.get(controlled_substances=True).waste_class == "PHA"
    assert Lot.objects.get(contains_asbestos=True).waste_class == "AUT"
    assert Seizure.objects.filter(legal_route="small_consignment").count() >= 4
    kinds = set(CustodyEvent.objects.values_list("kind", flat=True))
    assert {"created", "placed", "moved", "sampled", "sample_created", "held", "released"} <= kinds
    assert_one_damaged_lot_with_its_photo(client, warehouse_user)
    assert verify_chains() == []
    client.force_login(admin_user)
    for url in (
        "/seizures/",
        "/lots/",
        "/storage/ageing/",
        "/storage/locations/",
        "/custody/",
        "/",
    ):
        assert client.get(url).status_code == 200, url
    warehouse = StorageLocation.objects.get(code="BRU-W1-GEN-B01").warehouse
    assert client.get(f"/storage/warehouses/{warehouse.pk}/").status_code == 200


def assert_one_damaged_lot_with_its_photo(client, warehouse_user):
    """The swollen e-cigarettes, in quarantine as the zone rule asks, photographed: the
    photo is a real PNG, named by its SHA-256 in the custody event and shown on the lot page."""
    damaged = Lot.objects.get(damaged=True)
    assert damaged.location.zone_type == ZoneType.QUARANTINE
    photo = damaged.photos.get()
    with photo.file.open("rb") as stored:
        content = stored.read()
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == ("PNG", (96, 72))
    event = damaged.custody_events.get(kind=CustodyEvent.Kind.CONDITION_RECORDED)
    assert event.details["photos"] == [
        {
            "name": "swollen-cells.png",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    ]
    assert event.details["storage_breaches"] == []
    client.force_login(warehouse_user)
    page = client.get(f"/lots/{damaged.pk}/").text
    assert f'<img src="/lots/{damaged.pk}/photos/{photo.pk}/"' in page
