"""Demo data of the compliance app: certificates of destruction and their reviews.

Runs after the destruction demo: certifies up to three executed orders (as the administrator),
has the auditor approve the first and flag the second, and has the administrator revoke the
flagged one and re-issue it. Every step goes through the services.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from compliance.reviews.services import review_certificate
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import DestructionOrder, OrderStatus
from project.errors import TransitionNotAllowed

CERTIFIED_ORDERS = 3


def load(*, users: dict, stdout) -> None:
    load_certificates(users=users, stdout=stdout)


def load_certificates(*, users: dict, stdout) -> None:
    admin, auditor = users["admin"], users["auditor"]
    certificates = []
    for order in DestructionOrder.objects.filter(status=OrderStatus.EXECUTED).order_by("id"):
        if len(certificates) == CERTIFIED_ORDERS:
            break
        try:
            certificates.append(issue_certificate(order=order, actor=admin))
        except TransitionNotAllowed as refusal:
            stdout.write(f"  order {order.reference} not certified: {refusal}")
    stdout.write(f"  {len(certificates)} certificates of destruction issued")
    if len(certificates) < 2:
        stdout.write("  too few executed demo orders to show reviews")
        return
    approved, flagged = certificates[0], certificates[1]
    try:
        review_certificate(
            certificate=approved,
            decision="approved",
            comment="Quantities, permit and witnesses check out (X-CE-01..05).",
            actor=auditor,
        )
        review_certificate(
            certificate=flagged,
            decision="flagged",
            findings=[
                {
                    "rule": "X-CE-02",
                    "severity": "blocking",
                    "message": "Weight on the certificate differs from the weighbridge ticket.",
                },
                {
                    "rule": "",
                    "severity": "warning",
                    "message": "Seal numbers are not on the consignment note.",
                },
            ],
            comment="Please revoke and re-issue with the reconciled weights.",
            actor=auditor,
        )
    except (PermissionDenied, TransitionNotAllowed, ValidationError) as refusal:
        stdout.write(f"  demo reviews skipped: {refusal}")
        return
    revoke_certificate(
        certificate=flagged,
        reason="Flagged by the environmental audit: weights not reconciled (X-CE-02).",
        actor=admin,
    )
    corrected = reissue_certificate(
        certificate=flagged, note="Weights reconciled with the weighbridge ticket.", actor=admin
    )
    stdout.write(
        f"  reviews: {approved.number} approved, {flagged.number} flagged, revoked and "
        f"superseded by {corrected.number}"
    )
