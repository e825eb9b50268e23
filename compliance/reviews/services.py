"""The auditors' review of issued certificates (digest C8, checks X-CE-01..05).

An auditor approves or flags a valid certificate, once, with findings and a comment. Separation of
duties: nobody who took part in the order (prepared, submitted, approved, dispatched or recorded
it, uploaded its evidence or ran its record compliance check) or issued the certificate may review
it.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from compliance.models import CertificateReview, ComplianceCheck
from destruction.models import Certificate, CertificateStatus, DestructionRecord, EvidenceFile
from project.compliance import Severity
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change

SEVERITIES = tuple(Severity)
MAX_FINDINGS = 50
MAX_COMMENT = 4000


def review_queue() -> QuerySet[Certificate]:
    """Valid certificates that no auditor has reviewed yet, or whose lots were amended after
    issue and after the latest review (`amended_at`, `amendment_reason` say why), oldest first."""
    # "Never reviewed" as NOT EXISTS: the database hashes the reviewed certificates once instead
    # of looking up each certificate's latest review (the queue's count reads every row of it).
    reviewed = CertificateReview.objects.filter(certificate=OuterRef("pk"))
    return (
        Certificate.objects.for_list()
        .filter(status=CertificateStatus.VALID)
        .filter(~Exists(reviewed) | Q(amended_at__gt=F("reviewed_at")))
        .order_by("issued_at", "id")
    )


def participants(certificate: Certificate) -> set[int]:
    """Ids of the users who took part in the certified order or issued the certificate. Whoever
    uploaded the evidence or ran the record check vouched for what the auditor is to judge."""
    order = certificate.order
    ids = {
        order.prepared_by_id,
        order.submitted_by_id,
        order.approved_by_id,
        order.dispatched_by_id,
        certificate.issued_by_id,
    }
    ids.update(DestructionRecord.objects.filter(order=order).values_list("recorded_by", flat=True))
    ids.update(
        EvidenceFile.objects.filter(record__order=order).values_list("uploaded_by", flat=True)
    )
    ids.update(
        ComplianceCheck.objects.filter(order=order, stage=ComplianceCheck.Stage.RECORD).values_list(
            "checked_by", flat=True
        )
    )
    return {user_id for user_id in ids if user_id is not None}


def conflict_of_duties(certificate: Certificate, user: User) -> bool:
    return user.pk in participants(certificate)


def clean_findings(findings: Any) -> list[dict[str, str]]:
    """[{rule, severity, message}]: a rule id or a free-text message (or both) per finding."""
    if not isinstance(findings, list) or len(findings) > MAX_FINDINGS:
        raise ValidationError({"findings": [f"Give a list of at most {MAX_FINDINGS} findings."]})
    cleaned, errors = [], []
    for number, finding in enumerate(findings, start=1):
        if not isinstance(finding, dict):
            errors.append(f"Finding {number}: give rule, severity and message.")
            continue
        rule = str(finding.get("rule") or "").strip()
        message = str(finding.get("message") or "").strip()
        severity = str(finding.get("severity") or "").strip()
        if not rule and not message:
            errors.append(f"Finding {number}: give a rule id or a message.")
        if severity not in SEVERITIES:
            errors.append(f"Finding {number}: severity must be one of {', '.join(SEVERITIES)}.")
        if len(rule) > 40 or len(message) > 2000:
            errors.append(f"Finding {number}: rule id up to 40, message up to 2,000 characters.")
        cleaned.append({"rule": rule, "severity": severity, "message": message})
    if errors:
        raise ValidationError({"findings": errors})
    return cleaned


def review_certificate(
    *,
    certificate: Certificate,
    decision: str,
    findings: list[dict[str, str]] | None = None,
    comment: str = "",
    actor: User,
) -> CertificateReview:
    """Record an auditor's decision on a valid certificate; one review per certificate. A flagged
    certificate needs at least one finding: the administrator answers it by revoking and
    re-issuing."""
    if decision not in CertificateReview.Decision.values:
        raise ValidationError({"decision": ["Choose approved or flagged."]})
    cleaned = clean_findings(findings or [])
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": [f"Keep the comment under {MAX_COMMENT} characters."]})
    if decision == CertificateReview.Decision.FLAGGED and not cleaned:
        raise ValidationError({"findings": ["A flagged certificate needs at least one finding."]})
    with transaction.atomic(durable=True):
        # Locked so that a revocation cannot slip in between the status check and the insert.
        current = (
            Certificate.objects.select_for_update()
            .select_related("order")
            .defer("pdf", "snapshot")
            .get(pk=certificate.pk)
        )
        if conflict_of_duties(current, actor):
            raise PermissionDenied(
                "You took part in this order or issued its certificate; another auditor "
                "must review it (separation of duties)."
            )
        if current.status != CertificateStatus.VALID:
            raise TransitionNotAllowed(
                f"Certificate {current.number} is {current.status}; only a valid "
                "certificate is reviewed."
            )
        if not review_queue().filter(pk=current.pk).exists():
            raise TransitionNotAllowed(
                f"Certificate {current.number} is already reviewed (and not amended since)."
            )
        with rollup_change(orders=[current.order_id]):
            return CertificateReview.objects.create(
                certificate=current,
                decision=decision,
                findings=cleaned,
                comment=comment,
                reviewer=actor,
            )
