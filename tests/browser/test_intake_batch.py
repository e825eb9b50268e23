"""Warehouse staff import the day's parcels as Excel saved them (semicolons, Windows-1252),
double-clicking the button; the result page lists what was created, places every lot by
proposal and prints all labels in one PDF; the same file again is flagged as a duplicate."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from seizures.models import IntakeBatch, Lot, Seizure
from tests.seizures.conftest import make_example_reference_data
from tests.seizures.test_intake import rows_of_example
from tests.seizures.test_intake_batches import EXAMPLE_LOTS, as_excel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_semicolon_file_place_all_lots_and_print_all_labels(
    login, live_server, warehouse_user, tmp_path
):
    make_example_reference_data()
    rows = rows_of_example()
    for row in rows:
        row["location"] = ""
    parcels = tmp_path / "parcels-lundi.csv"
    parcels.write_bytes(as_excel(rows, delimiter=";", decimal_comma=True).encode("cp1252"))
    page = login(warehouse_user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulk intake").click()
    page.get_by_label("CSV file").set_input_files(str(parcels))
    page.get_by_role("button", name="Check and import").dblclick()

    expect(page.get_by_role("heading", level=1)).to_have_text("Intake of parcels-lundi.csv")
    expect(page.get_by_role("status").first).to_contain_text("5 seizures imported")
    assert IntakeBatch.objects.count() == 1 and Seizure.objects.count() == 5
    expect(page.get_by_text("cp1252, separated by semicolons")).to_be_visible()
    expect(page.get_by_test_id("batch-seizures").get_by_role("row")).to_have_count(6)
    lots = page.get_by_test_id("batch-lots")
    expect(lots.get_by_role("row")).to_have_count(8)
    expect(lots).to_contain_text("Lumière")

    page.get_by_role("button", name="Place all 7 unplaced lots by proposal").click()
    expect(page.get_by_role("status").first).to_contain_text("7 lots placed")
    expect(lots.get_by_role("row").nth(4)).to_contain_text("LGG-W1-HZ-FL01")
    assert not Lot.objects.filter(location__isnull=True).exists()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Print all labels (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-labels.pdf")
    text = PdfReader(io.BytesIO(download.path().read_bytes())).pages[0].extract_text()
    assert all(reference in text for reference in EXAMPLE_LOTS)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulk intake").click()
    page.get_by_label("CSV file").set_input_files(str(parcels))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("duplicates")).to_contain_text("This file was already imported")
    page.get_by_label("I checked these possible duplicates").check()
    page.get_by_role("button", name="Import anyway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake of parcels-lundi.csv")
    assert IntakeBatch.objects.count() == 2 and Seizure.objects.count() == 10
