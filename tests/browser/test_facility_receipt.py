"""On a 1024x768 tablet at the facility's gate, a facility operator opens the order dispatched
to their facility and confirms its receipt with a gate weight beyond the mass-balance tolerance
and a broken seal; the blocking findings show; an administrator then resolves them with a
reason."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from destruction.models import FacilityOperator, OrderStatus, Receipt
from project.roles import FACILITY_OPERATOR
from tests.conftest import user_in_role
from tests.destruction.conftest import build_order, eligible_lot
from tests.destruction.factories import FacilityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


def test_a_facility_operator_reports_a_bad_receipt_and_an_administrator_resolves_it(
    settings, login, live_server, warehouse_user, admin_user
):
    settings.DESTRUCTION_COMPLIANCE_CHECK = ""  # the compliance engine has its own tests
    facility = FacilityFactory(name="EcoTreat Antwerp")
    operator = user_in_role(FACILITY_OPERATOR, username="facility")
    FacilityOperator.objects.create(user=operator, facility=facility)
    order = build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status=OrderStatus.DISPATCHED,
        lots=[eligible_lot(gross_weight_kg=Decimal("25.000"))],
        facility=facility,
        seal_numbers=["SEAL-0001", "SEAL-0002"],
    )
    # Tolerance: the larger of 2 % and 5 kg of the 25 kg dispatched, so 5 kg; 40 kg is 15 off.
    assert order.dispatch_weight_kg == Decimal("25.000")

    page = login(operator)
    page.set_viewport_size(TABLET)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Destruction orders"
    ).click()
    page.get_by_role("link", name=order.reference).click()
    expect(page.get_by_test_id("order-status")).to_have_text("Dispatched")
    gate = timezone.localtime().replace(second=0, microsecond=0)
    page.get_by_label("Gate time").fill(gate.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Weighbridge ticket").fill("GATE-0042")
    page.get_by_label("Gate weight (kg)").fill("40")
    page.get_by_label("All seals intact").uncheck()
    page.get_by_label("Broken seals").fill("SEAL-0002")
    page.get_by_role("button", name="Confirm receipt").click()

    expect(
        page.get_by_text(
            f"Receipt of {order.reference} recorded with blocking findings: an administrator "
            "resolves them before the certificate."
        )
    ).to_be_visible()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_contain_text("40 kg")
    expect(receipt).to_contain_text("ticket GATE-0042")
    expect(receipt).to_contain_text("broken SEAL-0002")
    expect(receipt).to_contain_text(
        "X-QM-02 Gate weight 40.000 kg differs from the dispatch weight 25.000 kg by 15.000 kg "
        "(tolerance 5.000 kg)."
    )
    expect(receipt).to_contain_text("X-CC-07 Seal SEAL-0002 broken on arrival at the facility.")
    # The operator cannot settle its own findings.
    expect(receipt.get_by_role("button", name="Resolve the findings")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.get_by_role("button", name="Log out").click()

    page = login(admin_user)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    receipt = page.get_by_test_id("receipt")
    receipt.get_by_label("Reason").fill("Seal cut by the police check at the border; re-weighed")
    receipt.get_by_role("button", name="Resolve the findings").click()

    expect(
        page.get_by_text(f"The receipt's findings on {order.reference} are resolved.")
    ).to_be_visible()
    expect(page.get_by_test_id("receipt")).to_contain_text(
        "Seal cut by the police check at the border; re-weighed"
    )
    expect(page.get_by_test_id("receipt").get_by_role("button")).to_have_count(0)
    stored = Receipt.objects.get(order=order)
    assert stored.total_weight_kg == Decimal("40.000")
    assert stored.broken_seals == ["SEAL-0002"]
    assert [f["rule"] for f in stored.findings] == ["X-QM-02", "X-CC-07"]
    assert stored.resolved_by == admin_user
    assert not stored.blocks_certificate
