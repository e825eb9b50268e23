"""A destruction order from planning to the execution record, through the pages: warehouse
staff plan it (ticking one lot, scanning another) and submit it, an administrator approves it
(four eyes), warehouse staff dispatch it and record the destruction with a photo."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from destruction.models import DestructionOrder, EvidenceFile, OrderStatus
from seizures.models import CustodyEvent, LotStatus
from tests.destruction.conftest import eligible_lot
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_evidence import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_submit_approve_dispatch_and_record_with_a_photo(
    settings, login, live_server, warehouse_user, admin_user
):
    settings.DESTRUCTION_COMPLIANCE_CHECK = ""  # the compliance engine has its own tests
    ticked = eligible_lot(description="Counterfeit hoodies")
    scanned = eligible_lot(ticked.seizure.office, description="Counterfeit sneakers")
    FacilityFactory(name="EcoTreat Antwerp")
    planned = timezone.localdate() + datetime.timedelta(days=5)
    photo = png_bytes(8, 8)

    page = login(warehouse_user)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Plan an order").click()
    expect(page.get_by_role("heading", name="Plan a destruction order", level=1)).to_be_visible()
    page.get_by_label(f"Plan lot {ticked.reference}").check()
    page.get_by_label("Scanned lot references").fill(scanned.reference)
    page.get_by_label("Planned date").fill(planned.isoformat())
    page.get_by_role("button", name="Propose methods and facilities").click()
    expect(page.get_by_label(f"Facility for lot {scanned.reference}")).to_have_value(
        str(FacilityFactory._meta.model.objects.get(name="EcoTreat Antwerp").pk)
    )
    page.get_by_label(f"Method for lot {ticked.reference}").select_option("RECYCLE_SHRED")
    page.get_by_label(f"Method for lot {scanned.reference}").select_option("RECYCLE_SHRED")
    page.get_by_label("Vehicle").fill("1-ABC-234")
    page.get_by_label("Carrier registration").fill("WASTE-CARRIER-123")
    page.get_by_label("Carrier name").fill("SafeHaul BV")
    page.get_by_role("button", name="Create the order").click()

    order = DestructionOrder.objects.get()
    expect(page.get_by_role("status")).to_contain_text(f"Order {order.reference} planned")
    expect(page.get_by_test_id("order-status")).to_have_text("Draft")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Log out").click()

    page = login(admin_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approval queue").click()
    page.get_by_role("link", name=order.reference).click()
    page.get_by_role("button", name="Approve the order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Approved")
    page.get_by_role("button", name="Log out").click()

    page = login(warehouse_user)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_label("Dispatch weight (kg)").fill("50.3")
    page.get_by_label("Seal numbers").fill("SEAL-0001\nSEAL-0002")
    page.get_by_role("button", name="Dispatch under seal").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Dispatched")

    page.get_by_role("link", name="Record the destruction").click()
    expect(page.get_by_label("Gate weight (kg)")).to_have_value("50.300")
    page.get_by_label("Weighbridge ticket").fill("WB-2026-0042")
    page.get_by_label("De-branding done").check()
    page.locator("[name=outputs-0-route]").select_option("recycled")
    page.locator("[name=outputs-0-weight_kg]").fill("48.9")
    page.locator("[name=outputs-0-destination]").fill("Fibre recycler Gent")
    page.locator("[name=witnesses-0-name]").fill("Olga Officer")
    page.locator("[name=witnesses-0-organisation]").fill("Customs Antwerp")
    page.locator("[name=witnesses-0-role]").select_option("customs_officer")
    page.locator("[name=evidence-0-kind]").select_option("photo")
    page.locator("[name=evidence-0-file]").set_input_files(
        files=[{"name": "shredder photo.png", "mimeType": "image/png", "buffer": photo}]
    )
    page.get_by_role("button", name="Record the destruction").click()

    expect(page.get_by_test_id("order-status")).to_have_text("Executed")
    expect(page.get_by_test_id("evidence")).to_contain_text("shredder_photo.png")
    expect(page.get_by_test_id("timeline")).to_contain_text("Custody: destroyed")
    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    assert order.submitted_by == warehouse_user and order.approved_by == admin_user
    assert order.record.gate_weight_kg == order.dispatch_weight_kg
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(photo).hexdigest()
    for lot in (ticked, scanned):
        lot.refresh_from_db()
        assert lot.status == LotStatus.DESTROYED
        assert list(lot.custody_events.order_by("sequence").values_list("kind", flat=True)) == [
            CustodyEvent.Kind.ALLOCATED,
            CustodyEvent.Kind.ORDER_SUBMITTED,
            CustodyEvent.Kind.ORDER_APPROVED,
            CustodyEvent.Kind.DISPATCHED,
            CustodyEvent.Kind.DESTROYED,
        ]
