"""The public verification page on a phone (390 px wide): the status as a large card at the top,
the upload result in the same place, nothing wider than the screen."""

import pytest
from playwright.sync_api import expect

from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.methods import Method
from tests.destruction.certificate_factories import executed_order

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
GOOD = "rgb(227, 244, 234)"  # .status-good background
BAD = "rgb(251, 230, 228)"  # .status-bad background


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def fits_the_screen(page) -> None:
    """No horizontal scrolling: long hashes and URLs wrap."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width} px wide"


def card_at_top(page, test_id: str, background: str) -> None:
    card = page.get_by_test_id(test_id)
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] / 2
    assert box["width"] <= PHONE["width"]
    assert card.evaluate("e => getComputedStyle(e).backgroundColor") == background


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("Certificate PDF to check").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data}
    )
    page.get_by_role("button", name="Check file").click()


def test_a_phone_verifies_valid_revoked_and_superseded_certificates_and_uploads(
    phone, live_server, admin_user
):
    valid = issue_certificate(order=executed_order(lots=2), actor=admin_user)
    revoked = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=revoked, reason="Wrong facility permit", actor=admin_user)
    superseded = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=superseded, reason="Weight misprinted", actor=admin_user)
    replacement = reissue_certificate(certificate=superseded, actor=admin_user)

    # Valid: a green card at the top, methods in words, the seal, hashes wrapped.
    phone.goto(f"{live_server.url}/verify/{valid.verification_code}/")
    card_at_top(phone, "status-card", GOOD)
    expect(phone.get_by_test_id("public-status")).to_have_text("Valid")
    expect(phone.get_by_test_id("seal-status")).to_contain_text("the seal is valid")
    expect(phone.get_by_test_id("methods")).to_have_text(Method.RECYCLE_SHRED.label)
    fits_the_screen(phone)

    # Upload the genuine PDF: the result card takes the top.
    upload(phone, "certificate.pdf", bytes(valid.pdf))
    card_at_top(phone, "upload-result", GOOD)
    expect(phone.get_by_test_id("upload-result")).to_contain_text("Genuine copy")
    fits_the_screen(phone)

    # A tampered copy: one byte changed inside the sealed content.
    tampered = bytearray(valid.pdf)
    tampered[len(tampered) // 4] ^= 0x01
    upload(phone, "certificate.pdf", bytes(tampered))
    card_at_top(phone, "upload-result", BAD)
    expect(phone.get_by_test_id("upload-result")).to_contain_text("Seal broken")
    fits_the_screen(phone)

    # Revoked: red, with the reason.
    phone.goto(f"{live_server.url}/verify/{revoked.verification_code}/")
    card_at_top(phone, "status-card", BAD)
    expect(phone.get_by_test_id("public-status")).to_have_text("Revoked")
    expect(phone.get_by_test_id("revocation-reason")).to_have_text("Wrong facility permit")
    fits_the_screen(phone)

    # Superseded: red, with a link to the replacement, which says it amends the old one.
    phone.goto(f"{live_server.url}/verify/{superseded.verification_code}/")
    card_at_top(phone, "status-card", BAD)
    expect(phone.get_by_test_id("public-status")).to_have_text("Superseded")
    phone.get_by_test_id("superseded-by").click()
    phone.wait_for_url(f"{live_server.url}/verify/{replacement.verification_code}/")
    card_at_top(phone, "status-card", GOOD)
    expect(phone.get_by_test_id("supersedes")).to_have_text(superseded.number)
    fits_the_screen(phone)
