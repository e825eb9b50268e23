"""Warehouse staff log a seizure with two lots, print its labels, move a lot by scanning its
code, and see the custody history."""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from seizures.models import Lot, Seizure
from tests.seizures.factories import CustomsOfficeFactory, StorageLocationFactory, WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_seizure_print_labels_scan_a_move_and_see_the_custody_history(
    login, live_server, warehouse_user
):
    office = CustomsOfficeFactory(code="BRU", name="Brussels Airport")
    warehouse = WarehouseFactory(code="BRU-W1", office=office)
    StorageLocationFactory(warehouse=warehouse, code="BRU-W1-GEN-B01", capacity_kg=Decimal("2000"))
    page = login(warehouse_user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a seizure").click()
    expect(page.get_by_role("heading", name="Log a seizure", level=1)).to_be_visible()
    page.get_by_label("Office").select_option(label="BRU Brussels Airport")
    page.get_by_label("Detained on").fill("2026-03-02")
    page.get_by_label("Transport mode").select_option("air")
    page.get_by_label("Country of provenance").select_option("CN")
    page.get_by_label("Action type").select_option("ex_officio")
    page.get_by_label("Notified on").fill("2026-03-03")
    page.get_by_label("Legal route").select_option("standard")
    page.locator("[name=lots-0-category]").select_option("3a")
    page.locator("[name=lots-0-description]").fill("Counterfeit hoodies")
    page.locator("[name=lots-0-articles]").fill("80")
    page.locator("[name=lots-0-gross_weight_kg]").fill("32.5")
    page.locator("[name=lots-1-category]").select_option("4a")
    page.locator("[name=lots-1-description]").fill("Counterfeit sneakers")
    page.locator("[name=lots-1-articles]").fill("40")
    page.locator("[name=lots-1-gross_weight_kg]").fill("44")
    page.get_by_role("button", name="Log seizure").click()

    expect(page.get_by_role("status")).to_contain_text("logged with 2 lots")
    seizure = Seizure.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Seizure {seizure.reference}")
    expect(page.get_by_test_id("deadline")).to_have_text("17 Mar 2026")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print labels (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "lot-labels.pdf"
    text = PdfReader(io.BytesIO(download.path().read_bytes())).pages[0].extract_text()
    assert f"{seizure.reference}-01" in text and f"{seizure.reference}-02" in text

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scan and move").click()
    scan = page.get_by_label("Scan a code")
    expect(scan).to_be_focused()
    # A keyboard-wedge scanner types the code and presses Enter.
    scan.type("BRU-W1-GEN-B01")
    scan.press("Enter")
    expect(page.get_by_test_id("scan-target")).to_have_text("BRU-W1-GEN-B01")
    lot_reference = f"{seizure.reference}-02"
    page.get_by_label("Scan a code").type(lot_reference)
    page.get_by_label("Scan a code").press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        f"Lot {lot_reference} moved to BRU-W1-GEN-B01"
    )
    assert Lot.objects.get(reference=lot_reference).location.code == "BRU-W1-GEN-B01"

    page.get_by_role("link", name=lot_reference).click()
    history = page.get_by_test_id("custody-history")
    expect(history.get_by_role("listitem")).to_have_count(2)
    expect(history.get_by_role("listitem").nth(0)).to_contain_text("#1 Logged at seizure")
    expect(history.get_by_role("listitem").nth(1)).to_contain_text("#2 Placed in storage")
    expect(history.get_by_role("listitem").nth(1)).to_contain_text("to BRU-W1-GEN-B01")
