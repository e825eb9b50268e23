"""Transport documents of a dispatched order, read back from the PDF: the ADR transport document
(UN 3480, class 9, the quantity), the waste consignment note (EWC codes, permits) and the
Annex VII information for a facility abroad; the UN table's rows, each one."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from destruction.models import FacilityOperator, OrderStatus
from destruction.transport import adr, documents
from project.roles import FACILITY_OPERATOR
from tests.conftest import user_in_role
from tests.destruction.conftest import eligible_lot
from tests.destruction.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.fixture
def batteries(db):
    return eligible_lot(
        category="6b",
        waste_class="BAT",
        hazard_classes=["9"],
        description="Counterfeit power banks",
        gross_weight_kg=Decimal("42.500"),
        articles=120,
    )


@pytest.fixture
def shirts(db):
    return eligible_lot(description="Counterfeit T-shirts", gross_weight_kg=Decimal("25.000"))


@pytest.fixture
def dispatched(order_in, batteries, shirts, without_compliance_hook):
    return order_in(
        OrderStatus.DISPATCHED,
        lots=[batteries, shirts],
        facility=FacilityFactory(name="EcoTreat Antwerp"),
        consignment_note_number="BE-CN-2026-0042",
    )


def test_the_adr_document_describes_the_batteries_with_their_quantity(dispatched, batteries):
    text = text_of(documents.render(dispatched, documents.ADR))

    assert "ADR transport document" in text
    assert "WASTE UN 3480 LITHIUM ION BATTERIES, 9, (E)" in text
    assert f"{batteries.reference}" in text
    assert "42.5 kg" in text
    assert "120 articles" in text
    assert "UN 3480 42.5 kg" in text
    assert "Consignor's declaration" in text
    assert "ADR 2025 Table A" in text
    # The T-shirts carry no UN class: they are not dangerous goods.
    assert "T-shirts" not in text


def test_the_consignment_note_lists_ewc_codes_quantities_carrier_and_permits(
    dispatched, batteries, shirts
):
    text = text_of(documents.render(dispatched, documents.CONSIGNMENT_NOTE))

    assert "Waste consignment note" in text
    assert "BE-CN-2026-0042" in text
    assert batteries.ewc_code in text
    assert shirts.ewc_code in text
    assert "Total quantity: 67.5 kg" in text
    assert "WASTE-CARRIER-123" in text
    permit = dispatched.facility.permits.get()
    assert permit.number in text


def test_a_domestic_shipment_has_no_annex_vii_and_a_foreign_one_has(
    order_in, batteries, without_compliance_hook
):
    domestic = order_in(OrderStatus.DISPATCHED, lots=[batteries])
    assert documents.available(domestic) == [documents.ADR, documents.CONSIGNMENT_NOTE]
    abroad_lot = eligible_lot(waste_class="BAT", hazard_classes=["9"], category="6b")
    abroad = order_in(
        OrderStatus.DISPATCHED,
        lots=[abroad_lot],
        facility=FacilityFactory(name="Recyclage Lille", country="FR", address="Rue 1, Lille"),
    )

    assert documents.ANNEX_VII in documents.available(abroad)
    text = text_of(documents.render(abroad, documents.ANNEX_VII))
    assert "Annex VII information" in text
    assert "2. Importer / consignee" in text
    assert "France" in text
    assert abroad_lot.ewc_code in text
    assert "R4" in text or "R12" in text or "R5" in text


def test_no_documents_before_dispatch_and_no_adr_without_dangerous_goods(
    order_in, shirts, without_compliance_hook
):
    approved = order_in(OrderStatus.APPROVED, lots=[shirts])
    assert documents.available(approved) == []
    dispatched = order_in(OrderStatus.DISPATCHED, lots=[eligible_lot()])
    assert documents.available(dispatched) == [documents.CONSIGNMENT_NOTE]


def test_page_and_api_serve_the_pdf(client, api, warehouse_user, dispatched):
    client.force_login(warehouse_user)
    page = client.get(f"/orders/{dispatched.pk}/").content.decode()
    assert f"/orders/{dispatched.pk}/transport/adr.pdf" in page

    response = client.get(f"/orders/{dispatched.pk}/transport/adr.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "UN 3480" in text_of(response.content)
    api_response = api(warehouse_user).get(
        f"/api/v1/destruction-orders/{dispatched.pk}/transport-documents/consignment-note/"
    )
    assert api_response.status_code == 200
    assert "Waste consignment note" in text_of(api_response.content)
    missing = api(warehouse_user).get(
        f"/api/v1/destruction-orders/{dispatched.pk}/transport-documents/annex-vii/"
    )
    assert missing.status_code == 404


def test_transport_documents_are_refused_to_users_without_orders(api, roleless_user, dispatched):
    response = api(roleless_user).get(
        f"/api/v1/destruction-orders/{dispatched.pk}/transport-documents/adr/"
    )
    assert response.status_code == 403


def test_a_facility_operator_gets_the_documents_of_its_orders_only(api, dispatched, order_in):
    operator = user_in_role(FACILITY_OPERATOR)
    FacilityOperator.objects.create(user=operator, facility=dispatched.facility)
    other = order_in(OrderStatus.DISPATCHED, lots=[eligible_lot()])

    reader = api(operator)
    own = f"/api/v1/destruction-orders/{dispatched.pk}/transport-documents/adr/"
    assert reader.get(own).status_code == 200
    foreign = f"/api/v1/destruction-orders/{other.pk}/transport-documents/consignment-note/"
    assert reader.get(foreign).status_code == 404


def table_rows(path: Path = adr.DATA) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    "row", table_rows(), ids=lambda r: f"{r['waste_class']}-{r['hazard_class']}"
)
def test_every_row_of_the_un_table_is_found_for_its_key_and_names_its_source(row):
    entry = adr.entry_for(
        row["waste_class"] if row["waste_class"] != "*" else "NONE", row["hazard_class"]
    )

    assert entry is not None
    assert entry.un_number == row["un_number"]
    assert len(entry.un_number) == 4 and entry.un_number.isdigit()
    assert entry.source.startswith("ADR 2025 Table A")


def test_a_waste_class_row_wins_over_the_any_row():
    assert adr.entry_for("COS", "3").un_number == "1266"
    assert adr.entry_for("TOY", "3").un_number == "1993"
    assert adr.entry_for("TOY", "2.2").un_number == "1950"
    assert adr.entry_for("TOY", "7") is None
