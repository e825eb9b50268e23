"""On the warehouse tablet (1024x768): Place/Move lists only the locations that accept the lot,
its own warehouse first, and asks before moving it to another warehouse."""

import pytest
from playwright.sync_api import expect

from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import (
    CustomsOfficeFactory,
    StorageLocationFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_offers_accepting_locations_and_asks_before_a_transfer(
    login, live_server, warehouse_user
):
    office = CustomsOfficeFactory(code="BRU")
    brussels = WarehouseFactory(code="BRU1", office=office, name="Brussels main")
    bay = StorageLocationFactory(warehouse=brussels, code="BRU1-GEN-B01")
    StorageLocationFactory(warehouse=brussels, code="BRU1-GEN-B02")
    StorageLocationFactory(warehouse=brussels, code="BRU1-TINY", capacity_kg=1)
    antwerp = WarehouseFactory(code="ANR1", office=CustomsOfficeFactory(code="ANR"), name="Antwerp")
    StorageLocationFactory(warehouse=antwerp, code="ANR1-GEN-B01")
    lot = log_seizure(warehouse_user, office, lots=[lot_input(location=bay)]).lots.get()
    page = login(warehouse_user)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/lots/{lot.pk}/")

    choice = page.get_by_label("Move to")
    groups = choice.locator("optgroup")
    expect(groups).to_have_count(2)
    expect(groups.nth(0)).to_have_attribute("label", "BRU1 Brussels main (this lot's warehouse)")
    # Its own bay and the 1 kg bay (the lot weighs 25 kg) are not offered.
    expect(groups.nth(0).locator("option")).to_have_count(1)
    expect(groups.nth(1).locator("option")).to_have_text(
        ["ANR1-GEN-B01 · Non-hazardous · UN no hazard classes"]
    )

    choice.select_option(label="ANR1-GEN-B01 · Non-hazardous · UN no hazard classes")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_test_id("transfer-question")).to_contain_text(
        "ANR1-GEN-B01 is in warehouse ANR1 Antwerp, not in BRU1, where this lot is."
    )
    page.get_by_role("button", name="Yes, move to ANR1-GEN-B01").click()
    expect(page.get_by_role("status").first).to_contain_text("is now at ANR1-GEN-B01")
    lot.refresh_from_db()
    assert lot.location.code == "ANR1-GEN-B01"
