"""Statements through the API and the pages; the PDF and CSV read back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from destruction.costs.models import Statement
from destruction.costs.services import issue_statement
from tests.destruction.test_costs import YEAR_START, destroyed  # noqa: F401 (fixture)
from tests.seizures.test_query_counts import assert_same_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]


@pytest.fixture
def statement(destroyed, admin_user):  # noqa: F811
    _, holder, _, _ = destroyed
    return issue_statement(
        right_holder=holder,
        period_from=YEAR_START,
        period_to=timezone.localdate(),
        actor=admin_user,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_states_each_lots_costs_and_the_total(statement, api, admin_user, destroyed):  # noqa: F811
    _, _, heavy, light = destroyed
    response = api(admin_user).get(
        f"/api/v1/statements/{statement.pk}/pdf/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert statement.number in text
    assert "Brand Owner SA" in text
    assert heavy.reference in text and light.reference in text
    assert "10 days × 1.5 EUR per day" in text
    assert "100 kg × 0.8 EUR per kg" in text
    assert "66.7% by weight of 300.00 EUR flat" in text
    assert "462.00" in text
    assert "Art. 29" in text


def test_the_csv_has_one_row_per_cost_and_the_total(statement, client, admin_user, destroyed):  # noqa: F811
    _, _, heavy, light = destroyed
    client.force_login(admin_user)
    response = client.get(f"/statements/{statement.pk}/csv/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Payer", "Amount (EUR)"]
    by_lot_kind = {(row[1], row[2]): row[-1] for row in rows[1:-1]}
    assert by_lot_kind == {
        (heavy.reference, "Destruction"): "80.00",
        (heavy.reference, "Storage"): "15.00",
        (heavy.reference, "Transport"): "200.00",
        (light.reference, "Destruction"): "40.00",
        (light.reference, "Handling"): "12.00",
        (light.reference, "Storage"): "15.00",
        (light.reference, "Transport"): "100.00",
    }
    assert rows[-1][-2:] == ["Total", "462.00"]
    assert sum(Decimal(amount) for amount in by_lot_kind.values()) == Decimal("462.00")


def test_issue_through_the_api_then_pay(destroyed, api, admin_user):  # noqa: F811
    _, holder, heavy, _ = destroyed
    client = api(admin_user)
    body = {
        "right_holder": holder.pk,
        "period_from": "2026-01-01",
        "period_to": str(timezone.localdate()),
    }
    created = client.post("/api/v1/statements/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["total"], data["status"], data["overdue"]) == ("462.00", "open", False)
    assert {line["lot"] for line in data["lines"]} >= {heavy.reference}
    again = client.post("/api/v1/statements/", body, format="json")
    assert again.status_code == 400
    assert "no unbilled costs" in again.json()["errors"]["period_from"][0]
    paid = client.post(
        f"/api/v1/statements/{data['id']}/payments/",
        {"amount": "462.00", "paid_on": str(timezone.localdate())},
        format="json",
    )
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid"
    assert paid.json()["payments"][0]["amount"] == "462.00"
    twice = client.post(
        f"/api/v1/statements/{data['id']}/payments/",
        {"amount": "1", "paid_on": str(timezone.localdate())},
        format="json",
    )
    assert twice.status_code == 409
    assert "already paid" in twice.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_from": "2026-01-01", "period_to": "2026-12-31"}, "right_holder"),
        ({"right_holder": 999999, "period_from": "2026-01-01", "period_to": "x"}, "period_to"),
        ({"right_holder": 1, "period_from": "2026-02-01", "period_to": "2026-01-01"}, "period_to"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(body, field, api, admin_user):
    from tests.seizures.factories import RightHolderFactory

    RightHolderFactory(pk=1)
    response = api(admin_user).post("/api/v1/statements/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Statement.objects.exists()


def test_warehouse_staff_see_but_cannot_issue_or_record_payments(statement, api, warehouse_user):
    client = api(warehouse_user)
    assert client.get("/api/v1/statements/").status_code == 200
    assert client.post("/api/v1/statements/", {}, format="json").status_code == 403
    response = client.post(
        f"/api/v1/statements/{statement.pk}/payments/", {"amount": "1"}, format="json"
    )
    assert response.status_code == 403


def test_filters_by_right_holder_period_and_overdue(statement, api, admin_user):
    client = api(admin_user)

    def numbers(query):
        return [
            row["number"] for row in client.get(f"/api/v1/statements/?{query}").json()["results"]
        ]

    assert numbers(f"right_holder={statement.right_holder_id}") == [statement.number]
    assert numbers("from=2026-01-01&to=2026-01-31") == [statement.number]
    assert numbers("from=2099-01-01") == []
    assert numbers("overdue=true") == []
    Statement.objects.filter(pk=statement.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert numbers("overdue=true") == [statement.number]
    assert client.get("/api/v1/statements/?from=someday").status_code == 400


def test_pages_issue_show_and_take_a_payment(destroyed, client, admin_user):  # noqa: F811
    _, holder, heavy, _ = destroyed
    client.force_login(admin_user)
    response = client.post(
        "/statements/issue/",
        {
            "right_holder": holder.pk,
            "period_from": "2026-01-01",
            "period_to": str(timezone.localdate()),
        },
    )
    statement = Statement.objects.get()
    assert response.status_code == 302
    page = client.get(f"/statements/{statement.pk}/").content.decode()
    assert heavy.reference in page and "462.00 EUR" in page
    refused = client.post(
        f"/statements/{statement.pk}/pay/", {"amount": "500", "paid_on": str(timezone.localdate())}
    )
    assert refused.status_code == 400
    assert "Only 462.00 EUR is outstanding" in refused.content.decode()
    client.post(
        f"/statements/{statement.pk}/pay/", {"amount": "62", "paid_on": str(timezone.localdate())}
    )
    statement.refresh_from_db()
    assert (statement.status, statement.paid_amount) == ("part_paid", Decimal("62.00"))
    listing = client.get("/statements/?status=part_paid").content.decode()
    assert statement.number in listing


def test_issuing_nothing_is_a_form_error(client, admin_user):
    from tests.seizures.factories import RightHolderFactory

    holder = RightHolderFactory()
    client.force_login(admin_user)
    response = client.post(
        "/statements/issue/",
        {"right_holder": holder.pk, "period_from": "2026-01-01", "period_to": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "has no unbilled costs in this period" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/statements/", "/statements/"])
def test_the_statement_list_costs_the_same_queries_for_1_and_200_rows(url, client, admin_user):
    from tests.seizures.factories import RightHolderFactory, SeizureFactory

    client.force_login(admin_user)
    holder = RightHolderFactory()

    def make(n):
        Statement.objects.bulk_create(
            Statement(
                number=f"CS-2026-{holder.pk:04d}-{Statement.objects.count() + i + 1:03d}",
                right_holder=holder,
                seizure=SeizureFactory(right_holder=holder) if i % 2 else None,
                period_from=YEAR_START,
                period_to=YEAR_START,
                currency="EUR",
                total=Decimal("10"),
                issued_at=timezone.now(),
                issued_by=admin_user,
                due_on=YEAR_START,
            )
            for i in range(n)
        )

    assert_same_queries(lambda: client.get(url), make)


def test_the_seizure_page_shows_accrued_costs_and_storage_to_date(destroyed, client, admin_user):  # noqa: F811
    from tests.destruction.conftest import eligible_lot

    _, _, heavy, _ = destroyed
    stored = eligible_lot(
        seizure=heavy.seizure, stored_since=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(admin_user)
    page = client.get(f"/seizures/{heavy.seizure_id}/").content.decode()
    assert "80.00 EUR" in page  # heavy's destruction, accrued
    assert stored.reference in page
    assert "3 days × 1.5 EUR per day" in page and "(to date, not yet accrued)" in page


def test_the_seizure_page_costs_the_same_queries_for_1_and_200_stored_lots(client, admin_user):
    from tests.destruction.conftest import eligible_lot
    from tests.destruction.factories import FacilityFactory
    from tests.destruction.test_costs import tariffs
    from tests.seizures.factories import SeizureFactory

    tariffs(FacilityFactory())
    seizure = SeizureFactory()
    client.force_login(admin_user)

    def make(n):
        for _ in range(n):
            eligible_lot(seizure=seizure)

    assert_same_queries(lambda: client.get(f"/seizures/{seizure.pk}/"), make)


def test_the_certificate_states_the_costs_by_kind_and_payer(destroyed, admin_user):  # noqa: F811
    from destruction.certificates.services import issue_certificate

    order, *_ = destroyed
    certificate = issue_certificate(order=order, actor=admin_user)
    assert certificate.snapshot["costs"] == [
        {"kind": "Destruction", "payer": "Right holder (decision holder)", "lots": 2,
         "amount": "120.00", "currency": "EUR"},
        {"kind": "Handling", "payer": "Right holder (decision holder)", "lots": 1,
         "amount": "12.00", "currency": "EUR"},
        {"kind": "Storage", "payer": "Right holder (decision holder)", "lots": 2,
         "amount": "30.00", "currency": "EUR"},
        {"kind": "Transport", "payer": "Right holder (decision holder)", "lots": 2,
         "amount": "300.00", "currency": "EUR"},
    ]  # fmt: skip
    text = pdf_text(bytes(certificate.pdf))
    assert "Costs / " in text
    assert "300.00 EUR" in text and "120.00 EUR" in text
