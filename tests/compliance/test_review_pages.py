from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import CertificateReview, ComplianceCheck
from compliance.reviews.services import review_certificate
from destruction.certificates.services import issue_certificate
from destruction.models import DestructionOrder, EvidenceFile
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(), actor=admin_user)


def as_user(client, user):
    client.force_login(user)
    return client


def decision_form(decision: str, *findings: dict, comment: str = "") -> dict:
    data = {
        "decision": decision,
        "comment": comment,
        "findings-TOTAL_FORMS": "3",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "3",
    }
    for n in range(3):
        finding = findings[n] if n < len(findings) else {}
        data[f"findings-{n}-rule"] = finding.get("rule", "")
        data[f"findings-{n}-severity"] = finding.get("severity", "warning")
        data[f"findings-{n}-message"] = finding.get("message", "")
    return data


def test_the_auditor_sees_the_review_queue(client, auditor_user, certificate):
    response = as_user(client, auditor_user).get("/reviews/")

    assert response.status_code == 200
    assert certificate.number in response.content.decode()


def test_warehouse_staff_have_no_review_queue(client, warehouse_user):
    assert as_user(client, warehouse_user).get("/reviews/").status_code == 403


def test_the_queue_filters_by_method_and_verdict_and_reports_bad_filters(
    client, admin_user, auditor_user
):
    wte = issue_certificate(order=executed_order(methods=("RECOVER_WTE",)), actor=admin_user)
    shred = issue_certificate(order=executed_order(), actor=admin_user)
    client = as_user(client, auditor_user)

    by_method = client.get("/reviews/", {"method": "RECOVER_WTE"}).content.decode()
    by_verdict = client.get("/reviews/", {"verdict": "compliant"}).content.decode()
    malformed = client.get("/reviews/", {"issued_before": "31/31/2026"})

    assert wte.number in by_method and shred.number not in by_method
    assert wte.number not in by_verdict
    assert malformed.status_code == 200
    assert "Enter a valid date." in malformed.content.decode()


def test_the_queue_page_runs_the_same_queries_for_one_and_many_rows(
    client, admin_user, auditor_user
):
    client = as_user(client, auditor_user)
    issue_certificate(order=executed_order(), actor=admin_user)
    client.get("/reviews/")
    with CaptureQueriesContext(connection) as one:
        client.get("/reviews/")
    for _ in range(4):
        issue_certificate(order=executed_order(), actor=admin_user)
    with CaptureQueriesContext(connection) as many:
        client.get("/reviews/")
    assert len(many) == len(one)


def test_the_review_page_shows_certificate_record_evidence_and_findings_side_by_side(
    client, admin_user, auditor_user, certificate
):
    ComplianceCheck.objects.create(
        stage="record",
        order=certificate.order,
        rulebook_version="2026.1",
        verdict="needs_review",
        findings=[{"rule": "X-WE-02", "severity": "warning", "message": "One witness only"}],
        checked_by=admin_user,
    )

    body = as_user(client, auditor_user).get(f"/reviews/{certificate.number}/").content.decode()

    assert certificate.number in body
    assert "Destruction record" in body
    assert "photo-0001.jpg" in body
    assert "X-WE-02" in body
    assert f"<title>Review {certificate.number} · Infringing Goods Tracker</title>" in body
    assert body.count("Record decision") == 1


def test_the_review_page_links_each_evidence_file_to_its_download(
    client, settings, auditor_user, certificate
):
    evidence = EvidenceFile.objects.get(record__order=certificate.order)
    stored = Path(settings.MEDIA_ROOT) / evidence.file.name
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"photo of the shredder")
    client = as_user(client, auditor_user)

    body = client.get(f"/reviews/{certificate.number}/").content.decode()
    download = client.get(f"/evidence/{evidence.pk}/")

    assert f'<a href="/evidence/{evidence.pk}/">photo-0001.jpg</a>' in body
    assert evidence.sha256 in body
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"photo of the shredder"


def test_an_auditor_approves_from_the_review_page(client, auditor_user, certificate):
    response = as_user(client, auditor_user).post(
        f"/reviews/{certificate.number}/",
        decision_form("approved", comment="Complete."),
    )

    assert response.status_code == 302
    review = CertificateReview.objects.get()
    assert (review.decision, review.comment, review.findings) == ("approved", "Complete.", [])


def test_an_auditor_flags_with_findings_from_the_review_page(client, auditor_user, certificate):
    as_user(client, auditor_user).post(
        f"/reviews/{certificate.number}/",
        decision_form(
            "flagged",
            {"rule": "X-CE-03", "severity": "blocking", "message": "Permit lacks R3"},
            {"message": "Seal numbers differ from the CMR", "severity": "warning"},
        ),
    )

    review = CertificateReview.objects.get()
    assert review.decision == "flagged"
    assert review.findings == [
        {"rule": "X-CE-03", "severity": "blocking", "message": "Permit lacks R3"},
        {"rule": "", "severity": "warning", "message": "Seal numbers differ from the CMR"},
    ]


def test_a_flag_without_findings_shows_a_form_error(client, auditor_user, certificate):
    response = as_user(client, auditor_user).post(
        f"/reviews/{certificate.number}/", decision_form("flagged")
    )

    assert response.status_code == 400
    assert "at least one finding" in response.content.decode()
    assert not CertificateReview.objects.exists()


def test_a_conflicted_auditor_sees_no_form_and_cannot_post(client, auditor_user, certificate):
    DestructionOrder.objects.filter(pk=certificate.order_id).update(approved_by=auditor_user)
    client = as_user(client, auditor_user)

    page = client.get(f"/reviews/{certificate.number}/").content.decode()
    post = client.post(f"/reviews/{certificate.number}/", decision_form("approved"))

    assert "separation of duties" in page
    assert "Record decision" not in page
    assert post.status_code == 400
    assert "separation of duties" in post.content.decode()
    assert not CertificateReview.objects.exists()


def test_warehouse_staff_cannot_post_a_decision(client, warehouse_user, certificate):
    response = as_user(client, warehouse_user).post(
        f"/reviews/{certificate.number}/", decision_form("approved")
    )

    assert response.status_code == 403


def test_the_decisions_page_lists_reviews_by_decision(
    client, admin_user, auditor_user, certificate
):
    review_certificate(
        certificate=certificate,
        decision="flagged",
        findings=[{"rule": "X-CE-02", "severity": "warning"}],
        actor=auditor_user,
    )
    client = as_user(client, admin_user)

    flagged = client.get("/reviews/decisions/", {"decision": "flagged"}).content.decode()
    approved = client.get("/reviews/decisions/", {"decision": "approved"}).content.decode()

    assert certificate.number in flagged
    assert certificate.number not in approved


def test_the_dashboard_shows_the_review_queue_to_auditors(client, auditor_user, certificate):
    body = as_user(client, auditor_user).get("/").content.decode()

    assert "Certificates to review" in body
    assert 'data-testid="review-queue-count">1<' in body
    assert certificate.number in body


def test_the_dashboard_counts_flagged_certificates_by_their_latest_review(
    client, admin_user, auditor_user, certificate
):
    approved = issue_certificate(order=executed_order(), actor=admin_user)
    review_certificate(
        certificate=certificate,
        decision="flagged",
        findings=[{"rule": "X-CE-02", "severity": "warning"}],
        actor=auditor_user,
    )
    review_certificate(certificate=approved, decision="approved", findings=[], actor=auditor_user)
    body = as_user(client, auditor_user).get("/").content.decode()

    assert 'data-testid="review-queue-count">0<' in body
    assert "0 certificates to review; 1 flagged and still valid." in body.replace(
        '<span class="stat" data-testid="review-queue-count">0</span>', "0"
    )
