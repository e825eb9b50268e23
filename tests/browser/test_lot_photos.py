"""On the warehouse tablet (1024x768): a lot found damaged is recorded with a photo; the lot page
shows the condition, the photo itself and its SHA-256 in the custody history, without a
horizontal scroll. A file that only pretends to be a photo is refused on the form."""

import hashlib
import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from seizures.models import ZoneType
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import CustomsOfficeFactory, StorageLocationFactory, WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


def jpeg_photo() -> bytes:
    """A real 64x48 JPEG, as a tablet camera would send (only much smaller)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def stored_lot(warehouse_user):
    office = CustomsOfficeFactory(code="BRU")
    quarantine = StorageLocationFactory(
        warehouse=WarehouseFactory(code="BRU1", office=office),
        code="BRU1-QUA-B01",
        zone_type=ZoneType.QUARANTINE,
    )
    return log_seizure(warehouse_user, office, lots=[lot_input(location=quarantine)]).lots.get()


def record_condition(page: Page, *, name: str, content: bytes, mime_type: str) -> None:
    form = page.get_by_test_id("condition")
    form.locator("summary").click()
    form.get_by_label("Condition").select_option(label="Damaged, swollen or leaking")
    form.get_by_label("Note").fill("Dye leaking through the cartons")
    form.get_by_label("Photos").set_input_files(
        files=[{"name": name, "mimeType": mime_type, "buffer": content}]
    )
    form.get_by_role("button", name="Record condition").click()


def test_a_damaged_lot_is_recorded_with_its_photo(login, live_server, warehouse_user, stored_lot):
    content = jpeg_photo()
    page = login(warehouse_user)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/lots/{stored_lot.pk}/")

    record_condition(page, name="leak.jpg", content=content, mime_type="image/jpeg")

    expect(page.get_by_role("status").first).to_contain_text(
        f"Lot {stored_lot.reference} recorded as damaged."
    )
    expect(page.get_by_test_id("lot-condition")).to_contain_text("Damaged or leaking")
    thumbnail = page.get_by_role("img", name=f"Photo leak.jpg of lot {stored_lot.reference}")
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    # Loaded from the photo view, not a broken image.
    page.wait_for_function("img => img.complete", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 64
    expect(page.get_by_test_id("custody-history")).to_contain_text(
        f"photos: leak.jpg (SHA-256 {hashlib.sha256(content).hexdigest()})"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]


def test_a_text_file_named_jpg_is_refused_on_the_form(
    login, live_server, warehouse_user, stored_lot
):
    page = login(warehouse_user)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/lots/{stored_lot.pk}/")

    record_condition(
        page, name="leak.jpg", content=b"Dye leaking, see the report.\n", mime_type="image/jpeg"
    )

    form = page.get_by_test_id("condition")
    expect(form.locator(".field-error")).to_have_text("leak.jpg: not a JPEG, PNG or WebP file.")
    expect(page.get_by_test_id("lot-condition")).to_have_text("not damaged")
    expect(page.get_by_test_id("lot-photos")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    stored_lot.refresh_from_db()
    assert stored_lot.damaged is False and not stored_lot.photos.exists()
