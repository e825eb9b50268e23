"""On a 1024x768 tablet, an administrator opens a count of one zone, scans its locations and
lots, resolves the missing lot and closes the count."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures.models import Lot, LotStatus, StorageLocation
from seizures.models.stocktakes import Stocktake
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import CustomsOfficeFactory, StorageLocationFactory, WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_run_a_stocktake_of_one_zone_by_scanning_on_a_tablet(login, live_server, admin_user):
    office = CustomsOfficeFactory(code="BRU", name="Brussels Airport")
    warehouse = WarehouseFactory(code="BRU-W1", office=office)
    zone = StorageLocationFactory(
        warehouse=warehouse, code="BRU-W1-Z1", kind=StorageLocation.Kind.ZONE, capacity_kg=None
    )
    bay = StorageLocationFactory(warehouse=warehouse, parent=zone, code="BRU-W1-Z1-B01")
    found, missing = log_seizure(
        admin_user, office, lots=[lot_input(location=bay), lot_input(location=bay)]
    ).lots.order_by("pk")
    page = login(admin_user)
    page.set_viewport_size({"width": 1024, "height": 768})

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stocktakes").click()
    page.get_by_role("link", name="Open a count").click()
    page.get_by_label("Warehouse").select_option(str(warehouse.pk))
    page.get_by_label("Zone").select_option(str(zone.pk))
    page.get_by_role("button", name="Open the count").click()

    scanner = page.get_by_label("Scan a code")
    expect(page.get_by_role("heading", name="Scan a location label first")).to_be_visible()
    for code in (zone.code, bay.code, found.reference):
        scanner.fill(code)
        scanner.press("Enter")
        page.wait_for_load_state()
    expect(page.get_by_text(f"Lot {found.reference} found in {bay.code}.")).to_be_visible()
    expect(page.get_by_test_id("scan-location")).to_have_text(bay.code)
    expect(page.get_by_test_id("still-expected")).to_contain_text(missing.reference)
    expect(page.get_by_test_id("counted")).to_have_text("2 of 2")
    # A tablet in landscape: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    page.get_by_role("link", name="Discrepancies and closing").click()
    row = page.get_by_test_id(f"discrepancy-{missing.reference}")
    row.get_by_label("Resolution").select_option("lost")
    row.get_by_label("Note").fill("Searched the zone twice")
    row.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text(f"Lot {missing.reference} resolved.")).to_be_visible()
    page.get_by_role("button", name="Close the count").click()

    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("result")).to_contain_text("1 missing (1 lost)")
    assert Stocktake.objects.get().status == "closed"
    assert Lot.objects.get(pk=missing.pk).status == LotStatus.LOST
    assert StorageLocation.objects.get(pk=bay.pk).last_stocktake_on == timezone.localdate()
