import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance.models import CertificateReview, ComplianceCheck
from compliance.reviews.services import review_certificate, review_queue
from destruction.certificates.services import issue_certificate, revoke_certificate
from destruction.models import DestructionOrder, EvidenceFile
from project.errors import TransitionNotAllowed
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(), actor=admin_user)


def test_an_auditor_approves_a_certificate(auditor_user, certificate):
    review = review_certificate(
        certificate=certificate,
        decision="approved",
        findings=[{"rule": "X-CE-02", "severity": "info", "message": "Quantities match"}],
        comment="All C8 fields present.",
        actor=auditor_user,
    )

    stored = CertificateReview.objects.get()
    assert stored == review
    assert stored.certificate == certificate
    assert stored.decision == "approved"
    assert stored.reviewer == auditor_user
    assert stored.decided_at is not None
    assert stored.comment == "All C8 fields present."
    assert stored.findings == [
        {"rule": "X-CE-02", "severity": "info", "message": "Quantities match"}
    ]


def test_an_auditor_flags_a_certificate_with_a_free_text_finding(auditor_user, certificate):
    review_certificate(
        certificate=certificate,
        decision="flagged",
        findings=[{"severity": "blocking", "message": "Permit expired on the destruction date"}],
        actor=auditor_user,
    )

    review = CertificateReview.objects.get()
    assert review.decision == "flagged"
    assert review.findings[0]["rule"] == ""
    assert review.findings[0]["severity"] == "blocking"


def test_a_flag_needs_at_least_one_finding(auditor_user, certificate):
    with pytest.raises(ValidationError) as error:
        review_certificate(certificate=certificate, decision="flagged", actor=auditor_user)

    assert "findings" in error.value.message_dict
    assert not CertificateReview.objects.exists()


@pytest.mark.parametrize(
    ("decision", "findings", "field"),
    [
        ("maybe", [], "decision"),
        ("approved", [{"rule": "X-CE-01", "severity": "fatal"}], "findings"),
        ("approved", [{"severity": "warning"}], "findings"),
        ("approved", ["not a finding"], "findings"),
        ("approved", [{"rule": "X" * 41, "severity": "info"}], "findings"),
    ],
)
def test_malformed_decisions_are_refused_with_field_errors(
    auditor_user, certificate, decision, findings, field
):
    with pytest.raises(ValidationError) as error:
        review_certificate(
            certificate=certificate, decision=decision, findings=findings, actor=auditor_user
        )

    assert field in error.value.message_dict
    assert not CertificateReview.objects.exists()


@pytest.mark.parametrize(
    "role_field", ["prepared_by", "submitted_by", "approved_by", "dispatched_by"]
)
def test_who_took_part_in_the_order_cannot_review_its_certificate(
    auditor_user, certificate, role_field
):
    DestructionOrder.objects.filter(pk=certificate.order_id).update(**{role_field: auditor_user})

    with pytest.raises(PermissionDenied, match="separation of duties"):
        review_certificate(certificate=certificate, decision="approved", actor=auditor_user)

    assert not CertificateReview.objects.exists()


def test_who_recorded_the_destruction_cannot_review_its_certificate(auditor_user, certificate):
    type(certificate.order.record).objects.filter(order=certificate.order).update(
        recorded_by=auditor_user
    )

    with pytest.raises(PermissionDenied):
        review_certificate(certificate=certificate, decision="approved", actor=auditor_user)


def uploaded_the_evidence(certificate, user) -> None:
    EvidenceFile.objects.filter(record__order=certificate.order).update(uploaded_by=user)


def ran_the_record_check(certificate, user) -> None:
    ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=certificate.order,
        rulebook_version="2026.1",
        verdict="compliant",
        findings=[],
        checked_by=user,
    )


@pytest.mark.parametrize("took_part", [uploaded_the_evidence, ran_the_record_check])
def test_who_vouched_for_the_record_cannot_review_its_certificate(
    auditor_user, certificate, took_part
):
    took_part(certificate, auditor_user)

    with pytest.raises(PermissionDenied, match="separation of duties"):
        review_certificate(certificate=certificate, decision="approved", actor=auditor_user)

    assert not CertificateReview.objects.exists()


def test_a_check_of_another_order_does_not_bar_the_reviewer(auditor_user, certificate):
    other = executed_order()
    ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=other,
        rulebook_version="2026.1",
        verdict="compliant",
        findings=[],
        checked_by=auditor_user,
    )
    EvidenceFile.objects.filter(record__order=other).update(uploaded_by=auditor_user)

    review = review_certificate(certificate=certificate, decision="approved", actor=auditor_user)

    assert review.reviewer == auditor_user


def test_who_issued_the_certificate_cannot_review_it(admin_user, certificate):
    with pytest.raises(PermissionDenied):
        review_certificate(certificate=certificate, decision="approved", actor=admin_user)


def test_a_certificate_is_reviewed_once(auditor_user, certificate):
    review_certificate(certificate=certificate, decision="approved", actor=auditor_user)

    with pytest.raises(TransitionNotAllowed, match="already reviewed"):
        review_certificate(
            certificate=certificate,
            decision="flagged",
            findings=[{"rule": "X-CE-05", "severity": "warning"}],
            actor=auditor_user,
        )
    assert CertificateReview.objects.get().decision == "approved"


def test_a_revoked_certificate_is_not_reviewed(admin_user, auditor_user, certificate):
    revoke_certificate(certificate=certificate, reason="Typo", actor=admin_user)

    with pytest.raises(TransitionNotAllowed, match="revoked"):
        review_certificate(certificate=certificate, decision="approved", actor=auditor_user)


def test_the_queue_holds_valid_certificates_not_yet_reviewed(admin_user, auditor_user):
    waiting = issue_certificate(order=executed_order(), actor=admin_user)
    reviewed = issue_certificate(order=executed_order(), actor=admin_user)
    revoked = issue_certificate(order=executed_order(), actor=admin_user)
    review_certificate(certificate=reviewed, decision="approved", actor=auditor_user)
    revoke_certificate(certificate=revoked, reason="Typo", actor=admin_user)

    assert list(review_queue()) == [waiting]
