"""Output fractions carry what an auditor traces them by (issue 15): the R/D code at the
destination, the fraction's own EWC code, the destination's permit and the shipment reference,
through the API, the record page and the service."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from destruction import services
from destruction.models import OrderStatus, OutputFraction
from seizures.models import CustodyEvent
from tests.destruction.test_api import record_body, url
from tests.destruction.test_pages import action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]

TRACED = {
    "route": "recycled",
    "weight_kg": "25",
    "destination": "Shoddy fibre, Prato (IT)",
    "operation_code": "R3",
    "ewc_code": "191208",
    "destination_permit": "IT-PO-1044",
    "shipment_reference": "CMR-2026-7301",
}


def test_the_api_stores_and_returns_each_fractions_codes_permit_and_shipment(
    api, warehouse_user, order_in
):
    order = order_in(OrderStatus.DISPATCHED)

    response = api(warehouse_user).post(
        url(order, "record"), record_body(outputs=[TRACED]), format="json"
    )

    assert response.status_code == 200, response.json()
    stored = OutputFraction.objects.get(record__order=order)
    assert (
        stored.operation_code,
        stored.ewc_code,
        stored.destination_permit,
        stored.shipment_reference,
    ) == ("R3", "19 12 08", "IT-PO-1044", "CMR-2026-7301")
    [output] = response.json()["record"]["outputs"]
    assert output == {
        **TRACED,
        "weight_kg": "25.000",
        "ewc_code": "19 12 08",
    }


def test_the_codes_are_optional_and_stored_blank(api, warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED)

    response = api(warehouse_user).post(url(order, "record"), record_body(), format="json")

    assert response.status_code == 200, response.json()
    stored = OutputFraction.objects.get(record__order=order)
    assert (stored.operation_code, stored.ewc_code, stored.destination_permit) == ("", "", "")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"operation_code": "R14"}, "operation_code"),
        ({"ewc_code": "99 99 99"}, "ewc_code"),
        ({"destination_permit": "P" * 81}, "destination_permit"),
        ({"shipment_reference": "S" * 81}, "shipment_reference"),
    ],
    ids=["unknown R/D code", "unknown EWC code", "long permit", "long shipment"],
)
def test_a_bad_code_or_reference_is_a_400_naming_the_field_and_changes_nothing(
    api, warehouse_user, order_in, change, field
):
    order = order_in(OrderStatus.DISPATCHED)
    events = CustodyEvent.objects.count()

    response = api(warehouse_user).post(
        url(order, "record"), record_body(outputs=[{**TRACED, **change}]), format="json"
    )

    assert response.status_code == 400
    assert field in str(response.json()["errors"]["outputs"])
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    assert CustodyEvent.objects.count() == events


def test_the_service_refuses_unknown_codes_with_the_fractions_number(warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED)
    now = timezone.now()
    output = services.OutputInput(
        "recycled", 25, "Fibre plant", operation_code="X1", ewc_code="12345"
    )

    with pytest.raises(ValidationError) as refused:
        services.record_destruction(
            order=order,
            actor=warehouse_user,
            started_at=now,
            ended_at=now,
            gate_weight_kg=25,
            weighbridge_ticket="WB-1",
            outputs=[output],
            witnesses=[services.WitnessInput("O", "Customs", "customs_officer")],
        )

    assert refused.value.message_dict["outputs"] == [
        "Output 1: the R/D code is one of R1-R13, D1-D15.",
        "Output 1: Not codes of the EU List of Waste: 12345 (e.g. 16 03 05*).",
    ]


def test_the_record_page_takes_the_codes_of_each_fraction(client, warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.force_login(warehouse_user)
    assert "R/D code at the destination" in client.get(action(order, "record")).content.decode()

    response = client.post(
        action(order, "record"),
        {
            "started_at": now,
            "ended_at": now,
            "gate_weight_kg": "25",
            "weighbridge_ticket": "WB-7",
            "customs_officer_present": "on",
            "outputs-TOTAL_FORMS": "1",
            "outputs-INITIAL_FORMS": "0",
            **{f"outputs-0-{key}": value for key, value in TRACED.items()},
            "witnesses-TOTAL_FORMS": "1",
            "witnesses-INITIAL_FORMS": "0",
            "witnesses-0-name": "Olga",
            "witnesses-0-organisation": "Customs",
            "witnesses-0-role": "customs_officer",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    stored = OutputFraction.objects.get(record__order=order)
    assert (stored.operation_code, stored.ewc_code, stored.shipment_reference) == (
        "R3",
        "19 12 08",
        "CMR-2026-7301",
    )
