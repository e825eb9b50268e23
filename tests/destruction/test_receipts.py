"""The facility's receipt of a dispatched order, its blocking findings (weight outside the
mass-balance tolerance, a broken seal, discrepancies), the facility's own execution record with
its countersignature, and what a facility operator may see."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from destruction import services
from destruction.certificates.services import issue_certificate
from destruction.models import FacilityOperator, OrderStatus, Receipt
from project.errors import TransitionNotAllowed
from project.roles import FACILITY_OPERATOR
from seizures.models import CustodyEvent
from tests.conftest import user_in_role
from tests.destruction.conftest import eligible_lot, record
from tests.destruction.factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(facility):
    user = user_in_role(FACILITY_OPERATOR, username="facility")
    FacilityOperator.objects.create(user=user, facility=facility)
    return user


@pytest.fixture
def dispatched(order_in, facility):
    """An order of one 25 kg lot dispatched to the operator's facility (tolerance: the larger
    of 2 % and 5 kg, so 5 kg)."""
    return order_in(OrderStatus.DISPATCHED, facility=facility)


def receive(order, actor, **overrides):
    arguments = {
        "gate_at": timezone.now(),
        "weighbridge_ticket": "GATE-0042",
        "seals_intact": True,
        "total_weight_kg": order.dispatch_weight_kg,
    }
    arguments.update(overrides)
    return services.confirm_receipt(order=order, actor=actor, **arguments)


def test_a_receipt_with_a_broken_seal_blocks_the_certificate_until_resolved(
    operator, warehouse_user, admin_user, dispatched, without_compliance_hook
):
    receipt = receive(dispatched, operator, seals_intact=False, broken_seals=["SEAL-0001"])

    assert receipt.blocking is True
    assert [f["rule"] for f in receipt.findings] == ["X-CC-07"]
    assert "SEAL-0001 broken" in receipt.findings[0]["message"]
    record(dispatched, operator)
    services.countersign_record(order=dispatched, actor=warehouse_user)
    with pytest.raises(TransitionNotAllowed) as refusal:
        issue_certificate(order=dispatched, actor=admin_user)
    assert "X-CC-07" in refusal.value.message
    dispatched.refresh_from_db()
    assert dispatched.status == OrderStatus.EXECUTED

    resolved = services.resolve_receipt(
        order=dispatched, reason="Seal cut by the police check at the border", actor=admin_user
    )
    assert resolved.resolved_by == admin_user
    certificate = issue_certificate(order=dispatched, actor=admin_user)
    assert certificate.order_id == dispatched.pk


def test_only_an_administrator_resolves_a_receipt(operator, warehouse_user, dispatched):
    receive(dispatched, operator, seals_intact=False, broken_seals=["SEAL-0001"])

    with pytest.raises(PermissionDenied):
        services.resolve_receipt(order=dispatched, reason="fine", actor=warehouse_user)
    assert Receipt.objects.get().resolved_at is None


@pytest.mark.parametrize(
    ("weight", "blocking"),
    [
        (Decimal("30.000"), False),  # 5 kg over: exactly the tolerance
        (Decimal("30.001"), True),
        (Decimal("20.000"), False),
        (Decimal("19.999"), True),
    ],
)
def test_a_gate_weight_outside_the_mass_balance_tolerance_blocks(
    operator, dispatched, weight, blocking
):
    assert dispatched.dispatch_weight_kg == Decimal("25.000")

    receipt = receive(dispatched, operator, total_weight_kg=weight)

    assert receipt.blocking is blocking
    assert [f["rule"] for f in receipt.findings] == (["X-QM-02"] if blocking else [])


def test_the_tolerance_is_read_through_the_hook(operator, dispatched, settings):
    settings.MASS_BALANCE_TOLERANCE = ""  # no rulebook: nothing is tolerated

    receipt = receive(dispatched, operator, total_weight_kg=Decimal("25.001"))

    assert receipt.blocking is True


def test_a_receipt_weighed_per_lot_sums_the_lots_and_appends_received_events(
    operator, order_in, facility
):
    lots = [eligible_lot(), eligible_lot()]
    order = order_in(OrderStatus.DISPATCHED, facility=facility, lots=lots)

    receipt = receive(
        order,
        operator,
        total_weight_kg=None,
        lot_weights={lots[0].reference: Decimal("24.5"), lots[1].reference: Decimal("25.5")},
        discrepancies=[
            services.ReceiptDiscrepancyInput(kind="wrong_goods", note="Box of toys, not shoes")
        ],
    )

    assert receipt.total_weight_kg == Decimal("50.000")
    assert receipt.weighed_per_lot is True
    assert sorted(line.weight_kg for line in receipt.lines.all()) == [
        Decimal("24.500"),
        Decimal("25.500"),
    ]
    assert [f["rule"] for f in receipt.findings] == ["X-CC-01"]
    for lot in lots:
        event = lot.custody_events.get(kind=CustodyEvent.Kind.RECEIVED)
        assert event.details["weighbridge_ticket"] == "GATE-0042"
        assert event.details["blocking_findings"] == ["X-CC-01"]


def test_bad_receipts_are_refused_with_field_errors(operator, dispatched):
    with pytest.raises(ValidationError) as refusal:
        receive(
            dispatched,
            operator,
            weighbridge_ticket=" ",
            seals_intact=False,
            total_weight_kg=None,
        )
    assert set(refusal.value.message_dict) == {
        "weighbridge_ticket",
        "broken_seals",
        "total_weight_kg",
    }
    with pytest.raises(ValidationError) as unknown_seal:
        receive(dispatched, operator, seals_intact=False, broken_seals=["SEAL-9999"])
    assert set(unknown_seal.value.message_dict) == {"broken_seals"}
    assert not Receipt.objects.exists()


def test_a_receipt_is_recorded_once(operator, dispatched):
    receive(dispatched, operator)

    with pytest.raises(TransitionNotAllowed):
        receive(dispatched, operator)


def test_the_facility_records_only_after_receipt_and_its_record_is_countersigned(
    operator, warehouse_user, admin_user, dispatched, without_compliance_hook
):
    with pytest.raises(ValidationError) as refusal:
        record(dispatched, operator)
    assert set(refusal.value.message_dict) == {"receipt"}

    receive(dispatched, operator)
    record(dispatched, operator)
    dispatched.refresh_from_db()
    assert dispatched.record.awaits_countersignature is True
    with pytest.raises(TransitionNotAllowed) as waiting:
        issue_certificate(order=dispatched, actor=admin_user)
    assert "countersigns" in waiting.value.message
    with pytest.raises(PermissionDenied):
        services.countersign_record(order=dispatched, actor=operator)

    signed = services.countersign_record(order=dispatched, actor=warehouse_user)

    assert signed.countersigned_by == warehouse_user
    assert issue_certificate(order=dispatched, actor=admin_user).order_id == dispatched.pk


def test_an_operator_cannot_receive_another_facilitys_order(operator, order_in):
    elsewhere = order_in(OrderStatus.DISPATCHED, facility=FacilityFactory(name="Other plant"))

    with pytest.raises(PermissionDenied):
        receive(elsewhere, operator)


# --- who sees what ----------------------------------------------------------------------------


def test_a_facility_user_gets_404_for_another_facilitys_orders(
    client, api, operator, dispatched, order_in
):
    elsewhere = order_in(OrderStatus.DISPATCHED, facility=FacilityFactory(name="Other plant"))
    client.force_login(operator)

    assert client.get(f"/orders/{dispatched.pk}/").status_code == 200
    assert client.get(f"/orders/{elsewhere.pk}/").status_code == 404
    reader = api(operator)
    assert reader.get(f"/api/v1/destruction-orders/{dispatched.pk}/").status_code == 200
    assert reader.get(f"/api/v1/destruction-orders/{elsewhere.pk}/").status_code == 404
    response = reader.post(
        f"/api/v1/destruction-orders/{elsewhere.pk}/receipt/",
        {"gate_at": timezone.now().isoformat(), "weighbridge_ticket": "X", "seals_intact": True},
        format="json",
    )
    assert response.status_code == 404
    listed = reader.get("/api/v1/destruction-orders/").json()
    assert [row["reference"] for row in listed["results"]] == [dispatched.reference]


def test_a_facility_user_does_not_see_orders_before_dispatch(api, operator, order_in, facility):
    draft = order_in(OrderStatus.APPROVED, facility=facility)

    assert api(operator).get(f"/api/v1/destruction-orders/{draft.pk}/").status_code == 404


# --- API --------------------------------------------------------------------------------------


def receipt_body(order, **overrides) -> dict:
    body = {
        "gate_at": timezone.now().isoformat(),
        "weighbridge_ticket": "GATE-7",
        "total_weight_kg": "25.000",
        "seals_intact": False,
        "broken_seals": ["SEAL-0001"],
        "discrepancies": [{"kind": "missing", "note": "One carton short"}],
    }
    body.update(overrides)
    return body


def test_api_receipt_records_and_answers_the_findings(api, operator, admin_user, dispatched):
    response = api(operator).post(
        f"/api/v1/destruction-orders/{dispatched.pk}/receipt/",
        receipt_body(dispatched),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["blocks_certificate"] is True
    assert [f["rule"] for f in body["findings"]] == ["X-CC-07", "X-CC-01"]
    resolved = api(admin_user).post(
        f"/api/v1/destruction-orders/{dispatched.pk}/resolve-receipt/",
        {"reason": "Checked the photos"},
        format="json",
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["blocks_certificate"] is False


def test_api_receipt_gives_field_errors(api, operator, dispatched):
    response = api(operator).post(
        f"/api/v1/destruction-orders/{dispatched.pk}/receipt/",
        receipt_body(dispatched, total_weight_kg="-1", seals_intact="maybe"),
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"total_weight_kg", "seals_intact"}
    assert not Receipt.objects.exists()


def test_api_receipt_is_refused_to_auditors(api, auditor_user, dispatched):
    response = api(auditor_user).post(
        f"/api/v1/destruction-orders/{dispatched.pk}/receipt/",
        receipt_body(dispatched),
        format="json",
    )

    assert response.status_code == 403


def test_api_facility_token_acts_for_its_facility(client, operator, dispatched):
    from project.services import issue_api_token

    _, key = issue_api_token(user=operator, name="gate terminal")
    response = client.post(
        f"/api/v1/destruction-orders/{dispatched.pk}/receipt/",
        receipt_body(dispatched, seals_intact=True, broken_seals=[], discrepancies=[]),
        content_type="application/json",
        headers={"authorization": f"Token {key}"},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["received_by"] == "facility"


# --- pages ------------------------------------------------------------------------------------


def test_order_page_confirms_a_receipt_and_an_administrator_resolves_it(
    client, operator, admin_user, dispatched
):
    client.force_login(operator)
    page = client.get(f"/orders/{dispatched.pk}/").content.decode()
    assert "Confirm receipt" in page

    response = client.post(
        f"/orders/{dispatched.pk}/receipt/",
        {
            "gate_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "weighbridge_ticket": "GATE-9",
            "total_weight_kg": "25",
            "broken_seals": "SEAL-0001",
            "discrepancy": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    receipt = Receipt.objects.get(order=dispatched)
    assert (receipt.seals_intact, receipt.broken_seals) == (False, ["SEAL-0001"])
    assert receipt.blocks_certificate

    client.force_login(admin_user)
    page = client.get(f"/orders/{dispatched.pk}/").content.decode()
    assert "Seal SEAL-0001 broken on arrival" in page
    client.post(f"/orders/{dispatched.pk}/resolve-receipt/", {"reason": "Seal photos checked"})
    receipt.refresh_from_db()
    assert receipt.resolution_reason == "Seal photos checked"


def test_order_page_shows_a_missing_ticket_on_its_field(client, operator, dispatched):
    client.force_login(operator)

    response = client.post(
        f"/orders/{dispatched.pk}/receipt/",
        {
            "gate_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "seals_intact": "on",
            "total_weight_kg": "25",
        },
    )

    assert response.status_code == 400
    assert "weighbridge ticket" in response.content.decode()
    assert not Receipt.objects.exists()


def test_order_list_shows_a_facility_user_only_their_orders(client, operator, dispatched, order_in):
    elsewhere = order_in(OrderStatus.DISPATCHED, facility=FacilityFactory(name="Other plant"))
    client.force_login(operator)

    page = client.get("/orders/").content.decode()

    assert dispatched.reference in page
    assert elsewhere.reference not in page


def test_a_facility_user_has_a_dashboard_and_no_warehouse_pages(client, operator):
    client.force_login(operator)

    assert client.get("/").status_code == 200
    assert client.get("/lots/").status_code == 403
    assert client.get("/orders/plan/").status_code == 403
    assert client.get("/certificates/").status_code == 403
