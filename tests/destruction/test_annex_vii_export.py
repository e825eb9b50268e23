"""The Annex VII record (Reg. (EU) 2024/1157) of a cross-border shipment as JSON, the record a
DIWASS integration would submit: its values, the missing mandatory fields listed (400 on the
API and the download, a list on the transport page), 409 for a domestic shipment."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from destruction.models import DestructionOrder, FacilityOperator, OrderStatus
from destruction.transport import documents
from project.roles import FACILITY_OPERATOR
from tests.conftest import user_in_role
from tests.destruction.conftest import eligible_lot
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_transport_documents import text_of
from tests.seizures.factories import CustomsOfficeFactory

pytestmark = pytest.mark.django_db


def lot_from(office, **fields):
    fields.setdefault("description", "Counterfeit T-shirts")
    fields.setdefault("gross_weight_kg", Decimal("250.000"))
    return eligible_lot(office=office, **fields)


@pytest.fixture
def antwerp(db):
    return CustomsOfficeFactory(
        code="ANT", name="Antwerp customs", address="Noorderlaan 1, 2030 Antwerpen"
    )


@pytest.fixture
def lille():
    return FacilityFactory(
        name="Recyclage Lille", operator="Recyclage SAS", country="FR", address="Rue 1, Lille"
    )


@pytest.fixture
def abroad(order_in, antwerp, lille, without_compliance_hook):
    return order_in(
        OrderStatus.DISPATCHED,
        lots=[lot_from(antwerp), lot_from(antwerp, description="Counterfeit caps")],
        facility=lille,
        consignment_note_number="BE-CN-2026-0077",
    )


def url(order) -> str:
    return f"/api/v1/destruction-orders/{order.pk}/transport/annex-vii/"


def test_the_api_gives_the_complete_record(api, warehouse_user, abroad, antwerp, lille):
    lot = abroad.lines.first().lot

    response = api(warehouse_user).get(url(abroad))

    assert response.status_code == 200
    record = response.json()
    assert record["regulation"] == "Regulation (EU) 2024/1157, Annex VII"
    assert record["order"] == abroad.reference
    assert record["consignment_note_number"] == "BE-CN-2026-0077"
    assert record["person_arranging_shipment"] == {
        "name": "Antwerp customs",
        "address": "Noorderlaan 1, 2030 Antwerpen",
        "country": "BE",
        "country_name": "Belgium",
    }
    assert record["importer_consignee"]["name"] == "Recyclage SAS"
    assert record["recovery_facility"]["name"] == "Recyclage Lille"
    assert record["recovery_facility"]["country"] == "FR"
    assert record["recovery_facility"]["permits"] == [lille.permits.get().number]
    assert record["actual_quantity"] == {"tonnes": "0.5", "kg": "500"}
    shipped = timezone.localtime(abroad.dispatched_at).date().isoformat()
    assert record["actual_date_of_shipment"] == shipped
    assert record["carriers"] == [
        {
            "name": "SafeHaul BV",
            "registration": "WASTE-CARRIER-123",
            "means_of_transport": "road",
            "vehicle": "1-ABC-234",
            "date_of_transfer": shipped,
        }
    ]
    assert record["waste_generator"]["name"] == "Antwerp customs"
    # RECYCLE_SHRED: its recovery operations, R2 before R12.
    assert record["recovery_operation"] == ["R3", "R4", "R5", "R12"]
    assert record["usual_description"] == "Counterfeit T-shirts; Counterfeit caps"
    assert record["waste_identification"] == {
        "basel_annex_ix": [],
        "oecd": [],
        "eu_list_of_wastes": [lot.ewc_code],
    }
    assert record["countries_concerned"] == {
        "dispatch": "BE",
        "transit": [],
        "destination": "FR",
    }
    assert record["declaration"]["name"].endswith(", Antwerp customs")
    assert record["declaration"]["text"].startswith("I hereby declare")


def test_missing_mandatory_fields_are_listed_not_exported(
    api, warehouse_user, order_in, lille, without_compliance_hook
):
    office = CustomsOfficeFactory(code="GNT", name="Ghent customs", address="")
    incinerated = lot_from(office)
    order = order_in(OrderStatus.DISPATCHED, lots=[incinerated], facility=lille)
    # Dispatch requires the registration (X-CC-07) and checks the method; these stand for an
    # order dispatched under an older rulebook and for a lot sent to incineration.
    DestructionOrder.objects.filter(pk=order.pk).update(carrier_registration="")
    order.lines.update(method="INCIN_850")

    response = api(warehouse_user).get(url(order))

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "person_arranging_shipment.address",
        "waste_generator.address",
        "carriers.0.registration",
        "recovery_operation",
    }
    assert errors["carriers.0.registration"] == [
        "The carrier's registration is missing (dispatch)."
    ]
    assert errors["recovery_operation"] == [
        f"Lot {incinerated.reference} goes to D10 (no recovery operation): a shipment for "
        "disposal needs prior written notification and consent (Reg. (EU) 2024/1157 Title II), "
        "not Annex VII."
    ]


def test_hazardous_waste_is_outside_annex_vii(
    api, warehouse_user, order_in, antwerp, lille, without_compliance_hook
):
    hazardous = lot_from(antwerp, ewc_code="16 06 01*")
    order = order_in(OrderStatus.DISPATCHED, lots=[hazardous], facility=lille)

    response = api(warehouse_user).get(url(order))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "waste_identification.eu_list_of_wastes": [
            f"Lot {hazardous.reference} is hazardous waste (16 06 01*): its shipment needs prior "
            "written notification and consent (Reg. (EU) 2024/1157 Art. 4), not Annex VII."
        ]
    }


def test_a_domestic_or_undispatched_order_answers_409(
    api, warehouse_user, order_in, antwerp, lille, without_compliance_hook
):
    domestic = order_in(OrderStatus.DISPATCHED, lots=[lot_from(antwerp)])
    approved = order_in(OrderStatus.APPROVED, lots=[lot_from(antwerp)], facility=lille)
    reader = api(warehouse_user)

    refused = reader.get(url(domestic))
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("This is a domestic shipment")
    early = reader.get(url(approved))
    assert early.status_code == 409
    assert early.json()["detail"] == (
        "The Annex VII information exists once the order is dispatched."
    )


def test_the_transport_page_lists_what_is_missing_and_offers_the_json_when_complete(
    client, warehouse_user, abroad, order_in, lille, without_compliance_hook
):
    client.force_login(warehouse_user)
    page = client.get(f"/orders/{abroad.pk}/transport/").content.decode()
    assert "Complete" in page
    assert f"/orders/{abroad.pk}/transport/annex-vii.json" in page
    download = client.get(f"/orders/{abroad.pk}/transport/annex-vii.json")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{abroad.reference}-annex-vii.json"'
    )
    assert json.loads(download.content)["countries_concerned"]["destination"] == "FR"

    incomplete = order_in(
        OrderStatus.DISPATCHED,
        lots=[lot_from(CustomsOfficeFactory(code="GNT", address=""))],
        facility=lille,
    )
    page = client.get(f"/orders/{incomplete.pk}/transport/").content.decode()
    assert "Incomplete" in page
    assert "<code>person_arranging_shipment.address</code>" in page
    assert "annex-vii.json" not in page
    refused = client.get(f"/orders/{incomplete.pk}/transport/annex-vii.json")
    assert refused.status_code == 400
    assert "person_arranging_shipment.address" in refused.json()["errors"]


def test_the_api_summary_tells_whether_the_record_is_complete(api, warehouse_user, abroad):
    body = api(warehouse_user).get(f"/api/v1/destruction-orders/{abroad.pk}/transport/").json()

    assert body["annex_vii"] == {
        "complete": True,
        "missing_fields": {},
        "url": url(abroad),
    }
    assert [d["kind"] for d in body["documents"]] == ["consignment-note", "annex-vii"]


def test_the_pdf_prints_the_same_record(abroad):
    text = text_of(documents.render(abroad, documents.ANNEX_VII))

    assert "1. Person who arranges the shipment Antwerp customs, Noorderlaan 1" in text
    assert "3. Actual quantity 0.5 tonnes (500 kg)" in text
    assert "8. Recovery operation R3, R4, R5, R12" in text
    assert "dispatch Belgium; destination France" in text


def test_a_facility_operator_of_another_facility_gets_404(api, abroad):
    operator = user_in_role(FACILITY_OPERATOR)
    FacilityOperator.objects.create(user=operator, facility=FacilityFactory())
    own = user_in_role(FACILITY_OPERATOR)
    FacilityOperator.objects.create(user=own, facility=abroad.facility)

    assert api(operator).get(url(abroad)).status_code == 404
    assert api(own).get(url(abroad)).status_code == 200
