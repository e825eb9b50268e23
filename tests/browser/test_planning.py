"""Issue 14, items 1-3 in the browser, on a desktop (1366x768) and a warehouse tablet
(1024x768), with the rulebook on: plan a mixed set of lots from the proposals and submit it with
no blocking finding; change a draft; approve an order acknowledging its warning."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from destruction import services
from destruction.models import DestructionOrder, OrderStatus
from tests.destruction.conftest import build_order, eligible_lot
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_planning_api import mixed_lots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1366, 768), "tablet": (1024, 768)}


@pytest.fixture(params=list(VIEWPORTS))
def sized(request, page):
    width, height = VIEWPORTS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return page


def planned_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=6)


def test_plan_a_mixed_set_from_proposals_and_submit_it(sized, login, live_server, warehouse_user):
    lots = mixed_lots()
    FacilityFactory(name="EcoTreat Antwerp")
    page = login(warehouse_user)
    page.goto(f"{live_server.url}/orders/plan/")
    for lot in lots:
        page.get_by_label(f"Plan lot {lot.reference}").check()
    page.get_by_label("Planned date").fill(planned_day().isoformat())
    page.get_by_role("button", name="Propose methods and facilities").click()

    proposals = page.get_by_test_id("proposals")
    expect(proposals).to_be_visible()
    for lot, method in zip(
        lots, ["RECYCLE_SHRED", "RECYCLE_DISMANTLE", "RECYCLE_BATTERY", "RECOVER_WTE"], strict=True
    ):
        expect(page.get_by_label(f"Method for lot {lot.reference}")).to_have_value(method)
        expect(page.get_by_test_id(f"verdict-{lot.reference}")).not_to_have_text("non_compliant")
    expect(page.get_by_test_id("orders-to-create")).to_contain_text("EcoTreat Antwerp (4 lots)")

    # A person changes a choice and checks it again before anything is created.
    page.get_by_label(f"Method for lot {lots[0].reference}").select_option("RECOVER_WTE")
    page.get_by_role("button", name="Check my choices").click()
    expect(page.get_by_test_id(f"verdict-{lots[0].reference}")).to_have_text("needs_review")
    expect(page.get_by_test_id(f"findings-{lots[0].reference}")).to_contain_text("X-MF-02")
    page.get_by_label(f"Method for lot {lots[0].reference}").select_option("RECYCLE_SHRED")
    page.get_by_role("button", name="Check my choices").click()
    expect(page.get_by_test_id(f"verdict-{lots[0].reference}")).to_have_text("compliant")
    assert not DestructionOrder.objects.exists()

    page.get_by_label("Carrier name").fill("SafeHaul BV")
    page.get_by_label("Carrier registration").fill("WASTE-CARRIER-123")
    page.get_by_role("button", name="Create the order").click()
    order = DestructionOrder.objects.get()
    expect(page.get_by_role("status")).to_contain_text(f"Order {order.reference} planned")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Submitted")
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    check = order.compliance_checks.get(stage="submit")
    assert not [f for f in check.findings if f["severity"] == "blocking"]


def test_edit_a_draft(sized, login, live_server, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    lot = order.lines.get().lot
    page = login(warehouse_user)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_text("Change the draft").click()
    page.get_by_label("Vehicle").fill("2-NEW-987")
    page.get_by_label(f"Method for lot {lot.reference}").select_option("RECYCLE_DISMANTLE")
    page.get_by_role("button", name="Save the changes").click()

    expect(page.get_by_role("status")).to_contain_text(f"Order {order.reference} changed.")
    expect(page.get_by_text("(RECYCLE_DISMANTLE)")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("destruction order changed")
    order.refresh_from_db()
    assert order.vehicle == "2-NEW-987"


def test_approve_with_an_acknowledged_warning(
    sized, login, live_server, warehouse_user, admin_user
):
    lot = eligible_lot(category="3a")
    order = services.create_order(
        actor=warehouse_user,
        lines=[services.LineInput(lot=lot, method="RECOVER_WTE")],
        facility=FacilityFactory(name="EcoTreat Antwerp"),
        planned_date=planned_day(),
    )
    services.submit_order(order=order, actor=warehouse_user)
    page = login(admin_user)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(page.get_by_test_id("submit-findings")).to_contain_text("X-MF-02")

    page.get_by_role("button", name="Approve the order").click()
    expect(page.get_by_test_id("approval-errors")).to_contain_text(
        f"Acknowledge the warning X-MF-02 (lot {lot.reference})"
    )
    form = page.get_by_test_id("approval-form")
    boxes = form.get_by_role("checkbox")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_label(f"Justification for X-MF-02 (lot {lot.reference})").fill(
        "The shredder is booked out until next year."
    )
    page.get_by_role("button", name="Approve the order").click()

    expect(page.get_by_test_id("order-status")).to_have_text("Approved")
    expect(page.get_by_test_id("acknowledgements")).to_contain_text(
        "The shredder is booked out until next year."
    )
