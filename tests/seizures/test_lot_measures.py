"""A lot's measures beside articles and gross weight (issue 15): net weight and liquid volume,
recorded at intake (API, service), bounded, and shared with the samples taken from it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from seizures import services
from seizures.models import Seizure
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.test_api import seizure_payload

pytestmark = pytest.mark.django_db


def test_the_api_records_and_returns_net_weight_and_volume(api, warehouse_user, office):
    payload = seizure_payload(office)
    payload["lots"][1].update({"net_weight_kg": "7.2", "volume_l": "4.8"})

    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")

    assert response.status_code == 201, response.json()
    shirts, perfume = response.json()["lots"]
    assert (shirts["net_weight_kg"], shirts["volume_l"]) == (None, None)
    assert (perfume["net_weight_kg"], perfume["volume_l"]) == ("7.200", "4.800")
    lot = Seizure.objects.get().lots.get(reference=perfume["reference"])
    assert (lot.net_weight_kg, lot.volume_l) == (Decimal("7.200"), Decimal("4.800"))


@pytest.mark.parametrize(
    ("measures", "field"),
    [
        ({"net_weight_kg": "9.7"}, "net_weight_kg"),  # gross is 9.6
        ({"net_weight_kg": "-1"}, "net_weight_kg"),
        ({"volume_l": "-0.5"}, "volume_l"),
    ],
    ids=["net above gross", "negative net", "negative volume"],
)
def test_an_impossible_measure_is_a_400_naming_the_field(
    api, warehouse_user, office, measures, field
):
    payload = seizure_payload(office)
    payload["lots"][1].update(measures)

    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")

    assert response.status_code == 400
    # The serializer keys its errors by index ({"lots": {"1": ...}}), the service by line
    # ("lots[1].net_weight_kg"): either names the second lot's field.
    errors = response.json()["errors"]
    assert field in str(errors.get("lots", {}).get("1", "")) or f"lots[1].{field}" in errors
    assert not Seizure.objects.exists()


def test_the_service_refuses_a_net_weight_above_the_gross_weight(warehouse_user, office):
    with pytest.raises(ValidationError) as refused:
        log_seizure(
            warehouse_user,
            office,
            lots=[lot_input(gross_weight_kg=Decimal("25"), net_weight_kg=Decimal("25.001"))],
        )
    assert "The net weight exceeds the gross weight (25 kg)." in str(refused.value)


def test_a_sample_takes_its_share_of_the_net_weight_and_volume(
    warehouse_user, office, flammables_bay
):
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(
                category="2a",
                articles=240,
                gross_weight_kg=Decimal("48"),
                net_weight_kg=Decimal("36"),
                volume_l=Decimal("24"),
                location=flammables_bay,
            )
        ],
    )
    parent = seizure.lots.get()

    sample = services.take_sample(
        lot=parent, articles=6, purpose="analysis", holder="Customs lab", actor=warehouse_user
    )

    parent.refresh_from_db()
    assert (sample.net_weight_kg, sample.volume_l) == (Decimal("0.900"), Decimal("0.600"))
    assert (parent.net_weight_kg, parent.volume_l) == (Decimal("35.100"), Decimal("23.400"))


def test_a_sample_of_an_unmeasured_lot_stays_unmeasured(warehouse_user, office, flammables_bay):
    seizure = log_seizure(
        warehouse_user, office, lots=[lot_input(category="2a", location=flammables_bay)]
    )
    parent = seizure.lots.get()

    sample = services.take_sample(
        lot=parent, articles=5, purpose="analysis", holder="Customs lab", actor=warehouse_user
    )

    parent.refresh_from_db()
    assert (sample.net_weight_kg, sample.volume_l) == (None, None)
    assert (parent.net_weight_kg, parent.volume_l) == (None, None)
