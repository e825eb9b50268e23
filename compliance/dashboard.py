"""Dashboard panels of this app (collected by project.dashboard)."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from compliance.models import CertificateReview, ComplianceCheck
from compliance.reviews.services import review_queue
from destruction.models import Certificate
from project.compliance import Verdict
from project.dashboard import Panel
from project.pagination import capped_counts

RECENT_CHECKS_DAYS = 30


def review_queue_panel(request) -> dict:
    """Auditors: how many certificates wait for a review, the oldest first; and how many flagged
    certificates are still valid (waiting for the administrator's revocation). Both counted up
    to the lists' cap ("10,000+")."""
    queue = review_queue().visible_to(request.user)
    # The latest review counts: a certificate re-reviewed after an amendment may be cleared.
    # Only certificates ever flagged can be (a semi-join): their latest review is read, not
    # that of every valid certificate.
    ever_flagged = CertificateReview.objects.filter(
        certificate=OuterRef("pk"), decision=CertificateReview.Decision.FLAGGED
    )
    flagged = (
        Certificate.objects.visible_to(request.user)
        .for_list()
        .filter(Exists(ever_flagged), status="valid", review_decision="flagged")
    )
    return {
        **capped_counts({"review_count": queue, "flagged_count": flagged}),
        "oldest": list(queue[:3]),
    }


def compliance_checks_panel(request) -> dict:
    """Stored checks of the last 30 days that were not compliant, newest first."""
    # By day, as the check list's "checked on or after" filter the figures link to.
    since = timezone.localdate() - datetime.timedelta(days=RECENT_CHECKS_DAYS)
    recent = (
        ComplianceCheck.objects.visible_to(request.user)
        .for_list()
        .filter(checked_at__date__gte=since)
        .exclude(verdict=Verdict.COMPLIANT)
    )
    return {
        "since": since,
        "non_compliant_count": recent.filter(verdict=Verdict.NON_COMPLIANT).count(),
        "needs_review_count": recent.filter(verdict=Verdict.NEEDS_REVIEW).count(),
        "latest_checks": list(recent[:3]),
    }


PANELS: tuple = (
    Panel(
        "Certificates to review",
        "compliance/reviews/review_panel.html",
        "compliance.review_certificate",
        review_queue_panel,
    ),
    Panel(
        "Compliance checks (30 days)",
        "compliance/check_panel.html",
        "compliance.view_compliancecheck",
        compliance_checks_panel,
    ),
)
