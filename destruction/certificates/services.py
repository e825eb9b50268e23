"""Services of certificates of destruction: issue, revoke and re-issue (digest C8, X-CE-05).

Each service is one durable transaction that writes a custody event on every lot of the order.
A certificate is never edited after issue: a correction is a revocation followed by a re-issue
that supersedes the revoked certificate (both are kept).
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.db.models.fields.json import KeyTransform
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from destruction.certificates.pdf import render
from destruction.certificates.seal import SealStatus, SealUnavailable, seal_pdf, validate_seal
from destruction.certificates.snapshot import blocking_rules, build_snapshot, latest_record_check
from destruction.methods import Method
from destruction.models import (
    CERTIFICATE_TRANSITIONS,
    ORDER_TRANSITIONS,
    Certificate,
    CertificateStatus,
    DestructionOrder,
    DestructionRecord,
    OrderStatus,
    Receipt,
)
from destruction.reminders import notify_certificate_issued
from project import audit
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change
from project.transitions import change_status
from project.users import display_name
from seizures.custody import append_events
from seizures.models import CustodyEvent, CustomsOffice, Lot, LotStatus

T = TypeVar("T")

# Two certificates issued at the same moment for different orders may pick the same sequence
# number; the (year, sequence) constraint refuses the second, which then retries.
SEQUENCE_ATTEMPTS = 3
# 32 random bytes: 256 bits, far beyond guessing even without the rate limit.
VERIFICATION_CODE_BYTES = 32
# An uploaded copy larger than this cannot be a certificate (1,000 lots render to ~150 KB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


LOCAL_HOSTS = frozenset({"localhost", "::1", "0.0.0.0"})  # noqa: S104 - a name compared, not bound


def require_public_address() -> None:
    """The verification address printed on a certificate must reach the issuing system from
    anywhere: a localhost address is refused unless debug is on (development and the demo)."""
    host = (urlsplit(settings.PUBLIC_BASE_URL).hostname or "").lower()
    local = host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")
    if local and not settings.DEBUG:
        raise TransitionNotAllowed(
            f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}, a local address that nobody "
            "receiving the certificate can open; set PUBLIC_BASE_URL to the public address of "
            "the verification pages before issuing certificates."
        )


def verification_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('certificates:verify', args=[code])}"


def order_lots(order: DestructionOrder) -> list[Lot]:
    return list(
        Lot.objects.filter(order_lines__order=order, order_lines__active=True).order_by("reference")
    )


def require_certifiable(order: DestructionOrder, lots: list[Lot]) -> None:
    """A certificate states a completed, compliant destruction: every lot destroyed and no
    blocking finding in the latest record check (X-CE-01). A missing check does not block; the
    certificate then says that no check was recorded."""
    if not lots:
        raise TransitionNotAllowed(f"Order {order.reference} has no lots to certify.")
    pending = [lot.reference for lot in lots if lot.status != LotStatus.DESTROYED]
    if pending:
        raise TransitionNotAllowed(f"Lots not recorded as destroyed: {', '.join(pending[:10])}.")
    receipt = Receipt.objects.filter(order=order).only("blocking", "resolved_at", "findings")
    receipt = receipt.first()
    if receipt is not None and receipt.blocks_certificate:
        rules = sorted({finding["rule"] for finding in receipt.findings})
        raise TransitionNotAllowed(
            f"The facility's receipt of {order.reference} has blocking findings "
            f"({', '.join(rules)}); an administrator resolves them before the certificate."
        )
    record = DestructionRecord.objects.filter(order=order).first()
    if record is not None and record.awaits_countersignature:
        raise TransitionNotAllowed(
            f"The facility submitted the record of {order.reference}; the warehouse or an "
            "administrator countersigns it before the certificate."
        )
    rules = blocking_rules(latest_record_check(order))
    if rules:
        raise TransitionNotAllowed(
            f"The compliance check of order {order.reference} has blocking findings "
            f"({', '.join(rules)}); resolve them before certifying."
        )


def create_certificate(
    order: DestructionOrder, *, actor: User, supersedes: Certificate | None = None, note: str = ""
) -> Certificate:
    """Number, snapshot, PDF and hash of a new valid certificate (inside the caller's
    transaction)."""
    require_public_address()
    issued_at = timezone.now()
    year = timezone.localdate(issued_at).year
    last = Certificate.objects.filter(year=year).aggregate(last=Max("sequence"))["last"]
    sequence = (last or 0) + 1
    number = f"CD-{year}-{sequence:05d}"
    code = secrets.token_urlsafe(VERIFICATION_CODE_BYTES)
    snapshot = build_snapshot(
        order,
        number=number,
        issued_at=issued_at,
        verification_url=verification_url(code),
        issued_by_name=display_name(actor),
        supersedes=(
            {
                "number": supersedes.number,
                "reason": supersedes.revocation_reason,
                "note": note,
            }
            if supersedes
            else None
        ),
    )
    pdf = sealed(snapshot, number=number, office=order.office)
    return Certificate.objects.create(
        number=number,
        year=year,
        sequence=sequence,
        order=order,
        office=order.office,
        verification_code=code,
        status=CertificateStatus.VALID,
        issued_at=issued_at,
        issued_by=actor,
        snapshot=snapshot,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        supersedes=supersedes,
    )


def sealed(snapshot: dict[str, Any], *, number: str, office: CustomsOffice) -> bytes:
    """The rendered certificate with the administration's seal; the stored hash is of these
    sealed bytes. No usable seal where one is required refuses the issue."""
    pdf, box = render(snapshot)
    try:
        return seal_pdf(
            pdf,
            office=f"{office.code} {office.name}",
            reason=f"Certificate of destruction {number}",
            box=box,
        )
    except SealUnavailable as error:
        raise TransitionNotAllowed(str(error)) from error


def retrying_sequence(function: Callable[[], T]) -> T:
    """Run a durable service body again when a concurrent issue took its sequence number."""
    attempt = 1
    while True:
        try:
            return function()
        except IntegrityError:
            if attempt >= SEQUENCE_ATTEMPTS:
                raise
            attempt += 1


def issue_certificate(*, order: DestructionOrder, actor: User) -> Certificate:
    """Certify an executed order: executed -> certified, a new valid certificate, and a
    `certified` custody event on every lot. Issuing twice fails on the guarded update (and the
    one-valid-certificate-per-order constraint behind it)."""

    def issue() -> Certificate:
        with transaction.atomic(durable=True):
            current = DestructionOrder.objects.select_related("office").get(pk=order.pk)
            change_status(
                DestructionOrder.objects.filter(pk=order.pk),
                table=ORDER_TRANSITIONS,
                sources={OrderStatus.EXECUTED},
                target=OrderStatus.CERTIFIED,
                conflict=lambda: (
                    f"Only an executed order can be certified; {current.reference} is "
                    f"{current.get_status_display().lower()}."
                ),
                updated_at=timezone.now(),
            )
            audit.record_changed(
                DestructionOrder,
                current.pk,
                {"status": (OrderStatus.EXECUTED, OrderStatus.CERTIFIED)},
                object_repr=current.reference,
            )
            lots = order_lots(current)
            require_certifiable(current, lots)
            with rollup_change(orders=[current.pk]):
                certificate = create_certificate(current, actor=actor)
            append_events(
                lots,
                CustodyEvent.Kind.CERTIFIED,
                actor=actor,
                details={"certificate": certificate.number, "sha256": certificate.sha256},
            )
            notify_certificate_issued(
                certificate, verification_url=verification_url(certificate.verification_code)
            )
            return certificate

    return retrying_sequence(issue)


def revoke_certificate(*, certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Withdraw a valid certificate with a reason (C8.14). The order stays certified: the goods
    are destroyed; what was wrong is the certificate, to be corrected by a re-issue."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the revocation."]})
    with transaction.atomic(durable=True):
        now = timezone.now()
        with rollup_change(orders=[certificate.order_id]):
            change_status(
                Certificate.objects.filter(pk=certificate.pk),
                table=CERTIFICATE_TRANSITIONS,
                sources={CertificateStatus.VALID},
                target=CertificateStatus.REVOKED,
                conflict=lambda: (
                    f"Only a valid certificate can be revoked; {certificate.number} is not valid."
                ),
                revoked_at=now,
                revoked_by=actor,
                revocation_reason=reason,
            )
        audit.record_changed(
            Certificate,
            certificate.pk,
            {
                "status": (CertificateStatus.VALID, CertificateStatus.REVOKED),
                "reason": ("", reason),
            },
            object_repr=certificate.number,
        )
        revoked = Certificate.objects.select_related("order").get(pk=certificate.pk)
        append_events(
            order_lots(revoked.order),
            CustodyEvent.Kind.CERTIFICATE_REVOKED,
            actor=actor,
            details={"certificate": revoked.number, "reason": reason},
        )
        return revoked


def reissue_certificate(*, certificate: Certificate, actor: User, note: str = "") -> Certificate:
    """Issue a corrected certificate for the order of a revoked one: a new number and code, a
    fresh snapshot of the order as it is now, and a link to the certificate it supersedes (which
    becomes `superseded` and is kept)."""
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": ["Keep the correction note under 1,000 characters."]})

    def reissue() -> Certificate:
        with transaction.atomic(durable=True):
            change_status(
                Certificate.objects.filter(pk=certificate.pk),
                table=CERTIFICATE_TRANSITIONS,
                sources={CertificateStatus.REVOKED},
                target=CertificateStatus.SUPERSEDED,
                conflict=lambda: (
                    f"Only a revoked certificate can be re-issued; revoke {certificate.number} "
                    "first (or it was re-issued already)."
                ),
            )
            old = Certificate.objects.select_related("order__office").get(pk=certificate.pk)
            lots = order_lots(old.order)
            require_certifiable(old.order, lots)
            with rollup_change(orders=[old.order_id]):
                new = create_certificate(old.order, actor=actor, supersedes=old, note=note)
            append_events(
                lots,
                CustodyEvent.Kind.CERTIFIED,
                actor=actor,
                details={
                    "certificate": new.number,
                    "sha256": new.sha256,
                    "supersedes": old.number,
                },
            )
            notify_certificate_issued(new, verification_url=verification_url(new.verification_code))
            return new

    return retrying_sequence(reissue)


# --- public verification (reads) --------------------------------------------------------------


def verifiable(code: str) -> Certificate:
    """The certificate of a verification code, without its PDF bytes; Http404 if unknown."""
    return get_object_or_404(
        Certificate.objects.select_related("office")
        .defer("pdf", "snapshot")
        .annotate(
            totals=KeyTransform("totals", "snapshot"),
            supersedes_number=F("supersedes__number"),
            superseded_by_number=F("superseded_by__number"),
            superseded_by_code=F("superseded_by__verification_code"),
        )
        .prefetch_related("reviews"),
        verification_code=code,
    )


def public_status(certificate: Certificate) -> dict[str, Any]:
    """What the public verification shows: the certificate's status and totals, the hash of the
    genuine PDF and every decision taken on it with its date. No personal names: the holder of a
    certificate needs to know what was decided and when, not by whom."""
    decisions = [
        {
            "kind": "review",
            "decision": review.decision,
            "date": timezone.localdate(review.decided_at),
            "reason": "",
        }
        for review in certificate.reviews.all()
    ]
    if certificate.revoked_at:
        decisions.append(
            {
                "kind": "revocation",
                "decision": "revoked",
                "date": timezone.localdate(certificate.revoked_at),
                "reason": certificate.revocation_reason,
            }
        )
    amended = amended_after_issue(certificate)
    decisions += [
        {"kind": "amendment", "decision": "amended", "date": timezone.localdate(day), "reason": ""}
        for day in amended
    ]
    office = certificate.office
    methods = dict(Method.choices)
    return {
        "number": certificate.number,
        "amended_after_issue": bool(amended),
        "status": certificate.status,
        "issue_date": timezone.localdate(certificate.issued_at),
        "issuing_office": f"{office.code} {office.name}",
        "totals": certificate.totals,
        "sha256": certificate.sha256,
        "supersedes": certificate.supersedes_number,
        "superseded_by": certificate.superseded_by_number,
        "superseded_by_code": certificate.superseded_by_code,
        "revocation_reason": certificate.revocation_reason,
        "methods": [
            {"code": code, "label": methods.get(code, code)}
            for code in (certificate.totals or {}).get("methods", [])
        ],
        "seal": stored_seal(certificate).as_public(),
        "decisions": sorted(decisions, key=lambda d: d["date"]),
    }


def stored_seal(certificate: Certificate) -> SealStatus:
    """The seal of the genuine PDF as stored, validated now against the configured seal."""
    pdf = Certificate.objects.filter(pk=certificate.pk).values_list("pdf", flat=True).get()
    return validate_seal(bytes(pdf))


def amended_after_issue(certificate: Certificate) -> list:
    """When the case or lots behind the certificate were amended after its issue (one time per
    amendment), oldest first. The public page says so without naming who or why."""
    events = CustodyEvent.objects.filter(
        kind=CustodyEvent.Kind.AMENDED,
        lot__order_lines__order_id=certificate.order_id,
        occurred_at__gt=certificate.issued_at,
    )
    return sorted(set(events.values_list("occurred_at", flat=True)))


class UploadMatch(models.TextChoices):
    """How an uploaded PDF relates to the genuine certificate."""

    # Byte for byte the stored PDF.
    IDENTICAL = "identical", "Identical to the genuine PDF"
    # Not identical, but it carries a valid seal of the administration over exactly the genuine
    # certificate: a later tool appended an incremental update (a note, a signature...).
    SEALED_COPY = "sealed_copy", "Sealed copy of the genuine PDF"
    # It carries the seal, but the seal no longer matches the content: altered after sealing.
    BROKEN_SEAL = "broken_seal", "Seal broken"
    # A valid seal over other content (another certificate, or another version of this one).
    OTHER_DOCUMENT = "other_document", "Sealed, but another document"
    # Neither identical nor sealed.
    DIFFERENT = "different", "Neither identical nor sealed"


GENUINE_MATCHES = frozenset({UploadMatch.IDENTICAL, UploadMatch.SEALED_COPY})


def check_upload(certificate: Certificate, upload: UploadedFile) -> dict[str, Any]:
    """Compare an uploaded PDF with the genuine certificate: byte-identical, or carrying a valid
    seal by the configured seal certificate whose sealed revision is the genuine PDF (its
    SHA-256 is the stored one). The upload is read in memory (at most MAX_UPLOAD_BYTES) and
    not stored."""
    data = b"".join(upload.chunks())
    uploaded_sha256 = hashlib.sha256(data).hexdigest()
    seal = validate_seal(data)
    if hmac.compare_digest(uploaded_sha256, certificate.sha256):
        match = UploadMatch.IDENTICAL
    elif seal.valid and hmac.compare_digest(seal.signed_revision_sha256, certificate.sha256):
        match = UploadMatch.SEALED_COPY
    elif seal.present and not seal.valid:
        match = UploadMatch.BROKEN_SEAL
    elif seal.valid:
        match = UploadMatch.OTHER_DOCUMENT
    else:
        match = UploadMatch.DIFFERENT
    return {
        "match": match.value,
        "genuine": match in GENUINE_MATCHES,
        "matches": match == UploadMatch.IDENTICAL,
        "uploaded_sha256": uploaded_sha256,
        "seal": seal.as_public(),
    }
