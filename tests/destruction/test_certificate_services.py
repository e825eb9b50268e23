import hashlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from compliance.models import ComplianceCheck
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import Certificate, CertificateStatus, DestructionOrder, OrderStatus
from project.errors import TransitionNotAllowed
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, LotStatus
from tests.destruction.certificate_factories import (
    executed_order,
)
from tests.destruction.factories import DestructionOrderFactory

pytestmark = pytest.mark.django_db


def kinds(lot):
    return list(lot.custody_events.order_by("sequence").values_list("kind", flat=True))


def record_check(order, *, verdict="compliant", findings=(), user):
    return ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=order,
        rulebook_version="2026.1",
        verdict=verdict,
        findings=list(findings),
        checked_by=user,
    )


def test_issue_certificate_certifies_the_order_and_stores_snapshot_pdf_and_hash(admin_user):
    order = executed_order(lots=2)

    certificate = issue_certificate(order=order, actor=admin_user)

    order.refresh_from_db()
    assert order.status == OrderStatus.CERTIFIED
    assert certificate.status == CertificateStatus.VALID
    assert certificate.number == f"CD-{certificate.year}-00001"
    assert certificate.sequence == 1
    assert certificate.office == order.office
    assert certificate.issued_by == admin_user
    assert bytes(certificate.pdf).startswith(b"%PDF")
    assert certificate.sha256 == hashlib.sha256(bytes(certificate.pdf)).hexdigest()
    assert certificate.snapshot["number"] == certificate.number
    assert [lot["reference"] for lot in certificate.snapshot["lots"]] == sorted(
        order.lines.values_list("lot__reference", flat=True)
    )


def test_issue_certificate_appends_a_certified_event_to_every_lot(admin_user):
    order = executed_order(lots=3)

    certificate = issue_certificate(order=order, actor=admin_user)

    events = CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFIED)
    assert events.count() == 3
    assert {e.details["certificate"] for e in events} == {certificate.number}
    assert {e.details["sha256"] for e in events} == {certificate.sha256}
    assert {e.actor_id for e in events} == {admin_user.pk}
    assert verify_chains() == []


def test_the_snapshot_keeps_the_custody_hash_each_lot_had_before_certification(admin_user):
    order = executed_order(lots=1)
    lot = order.lines.get().lot
    destroyed = lot.custody_events.get(kind=CustodyEvent.Kind.DESTROYED)

    certificate = issue_certificate(order=order, actor=admin_user)

    assert certificate.snapshot["lots"][0]["custody_hash"] == destroyed.hash
    assert certificate.snapshot["lots"][0]["custody_sequence"] == destroyed.sequence


def test_verification_codes_are_long_random_and_unique(admin_user, settings):
    settings.PUBLIC_BASE_URL = "https://verify.customs.example"
    first = issue_certificate(order=executed_order(), actor=admin_user)
    second = issue_certificate(order=executed_order(), actor=admin_user)

    # token_urlsafe(32): 32 random bytes = 256 bits, 43 URL-safe characters.
    assert len(first.verification_code) >= 43
    assert first.verification_code != second.verification_code
    assert second.number == f"CD-{second.year}-00002"
    assert first.snapshot["verification_url"] == (
        f"https://verify.customs.example/verify/{first.verification_code}/"
    )


def test_issuing_twice_is_refused_and_leaves_one_certificate(admin_user):
    order = executed_order()
    issue_certificate(order=order, actor=admin_user)

    with pytest.raises(TransitionNotAllowed, match="Only an executed order"):
        issue_certificate(order=order, actor=admin_user)

    assert Certificate.objects.filter(order=order).count() == 1
    assert CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFIED).count() == 1


def test_the_database_refuses_a_second_valid_certificate_for_an_order(admin_user):
    """The constraint behind the guarded update: even a write that skipped the service fails."""
    from django.db import IntegrityError, transaction

    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.number, duplicate.sequence = "CD-2000-99999", 99999
    duplicate.verification_code = "another-code"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.DRAFT,
        OrderStatus.SUBMITTED,
        OrderStatus.APPROVED,
        OrderStatus.DISPATCHED,
        OrderStatus.CANCELLED,
    ],
)
def test_only_an_executed_order_can_be_certified(admin_user, status):
    order = executed_order()
    DestructionOrder.objects.filter(pk=order.pk).update(status=status)

    with pytest.raises(TransitionNotAllowed):
        issue_certificate(order=order, actor=admin_user)

    order.refresh_from_db()
    assert order.status == status
    assert not Certificate.objects.exists()


def test_a_blocking_finding_in_the_latest_record_check_refuses_the_certificate(admin_user):
    order = executed_order()
    record_check(order, user=admin_user)
    record_check(
        order,
        verdict="non_compliant",
        findings=[{"rule": "X-QM-02", "severity": "blocking", "message": "Mass gap"}],
        user=admin_user,
    )

    with pytest.raises(TransitionNotAllowed, match="X-QM-02"):
        issue_certificate(order=order, actor=admin_user)

    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    assert not CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFIED).exists()


def test_a_later_clean_record_check_allows_the_certificate(admin_user):
    order = executed_order()
    record_check(
        order,
        verdict="non_compliant",
        findings=[{"rule": "X-QM-02", "severity": "blocking", "message": "Mass gap"}],
        user=admin_user,
    )
    record_check(
        order,
        verdict="needs_review",
        findings=[{"rule": "X-MF-02", "severity": "warning", "message": "Lower rank method"}],
        user=admin_user,
    )

    certificate = issue_certificate(order=order, actor=admin_user)

    compliance = certificate.snapshot["compliance"]
    assert compliance["recorded"] is True
    assert compliance["verdict"] == "needs_review"
    assert compliance["verdict_label"] == "Compliant, with the warnings listed below"
    assert compliance["rulebook_version"] == "2026.1"
    assert compliance["findings"] == [
        {
            "rule": "X-MF-02",
            "severity": "warning",
            "message": "Lower rank method",
            "lot": "",
            "justification": "",
        }
    ]


def test_without_a_record_check_the_certificate_says_no_check_was_recorded(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)

    assert certificate.snapshot["compliance"]["recorded"] is False
    assert certificate.snapshot["compliance"]["note"] == "No compliance check recorded"


def test_a_lot_not_destroyed_refuses_the_certificate(admin_user):
    order = executed_order(lots=2)
    lot = order.lines.first().lot
    type(lot).objects.filter(pk=lot.pk).update(status=LotStatus.IN_TRANSIT)

    with pytest.raises(TransitionNotAllowed, match=lot.reference):
        issue_certificate(order=order, actor=admin_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED


def test_an_order_without_lots_cannot_be_certified(admin_user):
    order = DestructionOrderFactory(status=OrderStatus.EXECUTED)

    with pytest.raises(TransitionNotAllowed, match="no lots"):
        issue_certificate(order=order, actor=admin_user)


def test_revoke_certificate_records_reason_and_events_and_keeps_the_order_certified(admin_user):
    order = executed_order(lots=2)
    certificate = issue_certificate(order=order, actor=admin_user)

    revoked = revoke_certificate(
        certificate=certificate, reason="Wrong facility permit printed", actor=admin_user
    )

    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_by == admin_user
    assert revoked.revoked_at is not None
    assert revoked.revocation_reason == "Wrong facility permit printed"
    order.refresh_from_db()
    assert order.status == OrderStatus.CERTIFIED
    events = CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFICATE_REVOKED)
    assert events.count() == 2
    assert {e.details["reason"] for e in events} == {"Wrong facility permit printed"}
    assert verify_chains() == []


def test_revoke_needs_a_reason(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)

    with pytest.raises(ValidationError) as error:
        revoke_certificate(certificate=certificate, reason="  ", actor=admin_user)

    assert "reason" in error.value.message_dict
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_a_revoked_certificate_cannot_be_revoked_again(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=certificate, reason="Typo", actor=admin_user)

    with pytest.raises(TransitionNotAllowed):
        revoke_certificate(certificate=certificate, reason="Again", actor=admin_user)
    assert CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFICATE_REVOKED).count() == 1


def test_reissue_creates_a_new_certificate_that_supersedes_the_revoked_one(admin_user):
    order = executed_order(lots=2)
    old = issue_certificate(order=order, actor=admin_user)
    revoke_certificate(certificate=old, reason="Wrong permit", actor=admin_user)

    new = reissue_certificate(certificate=old, note="Permit corrected", actor=admin_user)

    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.revocation_reason == "Wrong permit"
    assert new.status == CertificateStatus.VALID
    assert new.supersedes == old
    assert new.number != old.number
    assert new.verification_code != old.verification_code
    assert new.snapshot["supersedes"] == {
        "number": old.number,
        "reason": "Wrong permit",
        "note": "Permit corrected",
    }
    assert Certificate.objects.filter(order=order).count() == 2
    lot = order.lines.first().lot
    assert kinds(lot)[-3:] == ["certified", "certificate_revoked", "certified"]
    assert lot.custody_events.order_by("-sequence").first().details["supersedes"] == old.number


def test_a_valid_certificate_must_be_revoked_before_reissue(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)

    with pytest.raises(TransitionNotAllowed, match="revoke"):
        reissue_certificate(certificate=certificate, actor=admin_user)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_a_superseded_certificate_cannot_be_reissued_twice(admin_user):
    old = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=old, reason="Typo", actor=admin_user)
    reissue_certificate(certificate=old, actor=admin_user)

    with pytest.raises(TransitionNotAllowed):
        reissue_certificate(certificate=old, actor=admin_user)
    assert Certificate.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_issuing_at_once_get_one_certificate_and_one_conflict(
    postgresql, admin_user
):
    order = executed_order(lots=3)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue():
        barrier.wait()
        try:
            issue_certificate(order=order, actor=admin_user)
            outcomes.append("issued")
        except TransitionNotAllowed:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "issued"]
    assert Certificate.objects.filter(order=order).count() == 1
    assert CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFIED).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_certificates_issued_at_once_for_different_orders_get_distinct_numbers(
    postgresql, admin_user
):
    orders = [executed_order(), executed_order()]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def issue(order):
        barrier.wait()
        try:
            issue_certificate(order=order, actor=admin_user)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(o,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2]
