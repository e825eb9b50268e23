import pytest
from playwright.sync_api import expect

from compliance.reviews.services import review_certificate
from destruction.certificates.services import issue_certificate
from seizures.models import Amendment, Seizure
from tests.destruction.certificate_factories import executed_order

pytestmark = pytest.mark.browser


def test_administrator_amends_a_certified_seizure_auditor_reviews_again_public_sees_amended(
    login, page, live_server, auditor_user, admin_user
):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    review_certificate(certificate=certificate, decision="approved", actor=auditor_user)
    seizure = Seizure.objects.get(lots__order_lines__order=certificate.order)

    # The administrator amends the case's court data with a reason.
    login(admin_user)
    page.goto(f"{live_server.url}/seizures/{seizure.pk}/")
    page.get_by_role("link", name="Amend legal facts").click()
    page.get_by_label("Court reference").fill("TC-2026-117")
    page.get_by_label("Reason").fill("Court judgment received after destruction")
    page.get_by_role("button", name="Amend").click()
    expect(page.get_by_text(f"Seizure {seizure.reference} amended.")).to_be_visible()
    expect(page.get_by_test_id("amendments")).to_contain_text(
        "Court judgment received after destruction"
    )
    assert Amendment.objects.get().after == {"court_reference": "TC-2026-117"}
    page.get_by_role("button", name="Log out").click()

    # The auditor finds the certificate back in the queue, with why.
    login(auditor_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("link", name=certificate.number)).to_be_visible()
    expect(page.get_by_test_id("amended-after-issue")).to_be_visible()
    expect(page.get_by_text("Court judgment received after destruction")).to_be_visible()

    # The public verification page says the certificate was amended after issue.
    public = page.context.browser.new_context().new_page()
    public.goto(f"{live_server.url}/verify/{certificate.verification_code}/")
    expect(public.get_by_test_id("amended")).to_be_visible()
    expect(public.get_by_text("amended after issue", exact=False).first).to_be_visible()
    public.context.close()
