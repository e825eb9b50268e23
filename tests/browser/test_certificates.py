import pytest
from playwright.sync_api import expect

from compliance.models import CertificateReview
from destruction.certificates.services import issue_certificate
from destruction.models import Certificate
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.browser


def test_auditor_approves_and_flags_administrator_revokes_and_reissues_public_sees_superseded(
    login, page, live_server, auditor_user, admin_user
):
    approved = issue_certificate(order=executed_order(), actor=admin_user)
    flagged = issue_certificate(order=executed_order(lots=2), actor=admin_user)

    # The auditor works through the review queue.
    login(auditor_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Certificates to review")).to_be_visible()
    page.get_by_role("link", name=approved.number).click()
    page.get_by_label("Approved").check()
    page.get_by_label("Comment").fill("All C8 fields present.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(f"Certificate {approved.number} approved.")).to_be_visible()

    page.get_by_role("link", name=flagged.number).click()
    page.get_by_label("Flagged").check()
    finding = page.get_by_test_id("finding-1")
    finding.get_by_label("Rule id").fill("X-CE-03")
    finding.get_by_label("Severity").select_option("blocking")
    finding.get_by_label("Finding", exact=True).fill("Permit does not list R3")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(f"Certificate {flagged.number} flagged.")).to_be_visible()
    expect(page.get_by_role("link", name=flagged.number)).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    # The administrator answers the flag: revoke with a reason, then re-issue.
    login(admin_user)
    page.goto(f"{live_server.url}/certificates/?review=flagged")
    page.get_by_role("link", name=flagged.number).click()
    page.get_by_label("Reason for the revocation").fill("Facility permit does not list R3")
    page.get_by_role("button", name="Revoke certificate").click()
    expect(page.get_by_test_id("certificate-status")).to_have_text("Revoked")
    page.get_by_label("Correction note").fill("Re-issued after the permit extension")
    page.get_by_role("button", name="Re-issue certificate").click()
    expect(page.get_by_test_id("certificate-status")).to_have_text("Valid")

    flagged.refresh_from_db()
    new = Certificate.objects.get(supersedes=flagged)
    expect(page.get_by_role("heading", name=f"Certificate {new.number}")).to_be_visible()
    assert flagged.status == "superseded"
    assert CertificateReview.objects.get(certificate=approved).decision == "approved"
    assert CertificateReview.objects.get(certificate=flagged).findings[0]["rule"] == "X-CE-03"

    # Anyone, without logging in, sees that the old certificate was replaced.
    public = page.context.browser.new_context().new_page()
    public.goto(f"{live_server.url}/verify/{flagged.verification_code}/")
    expect(public.get_by_test_id("public-status")).to_have_text("Superseded")
    expect(public.get_by_test_id("superseded-by")).to_have_text(new.number)
    expect(public.get_by_text("audit review flagged")).to_be_visible()
    expect(public.get_by_role("button", name="Log out")).to_have_count(0)
    public.goto(f"{live_server.url}/verify/{approved.verification_code}/")
    expect(public.get_by_test_id("public-status")).to_have_text("Valid")
    expect(public.get_by_text("audit review approved")).to_be_visible()
    public.context.close()
