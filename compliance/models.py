"""Stored compliance checks, auditors' certificate reviews and the statistics rate table."""

from django.conf import settings
from django.db import models

from destruction.models import Certificate, DestructionOrder
from project import compliance as contract
from seizures.models import Lot
from seizures.scoping import ScopedQuerySet, scope_of


class Verdict(models.TextChoices):
    """The contract's verdicts (project.compliance.Verdict) with their labels."""

    COMPLIANT = contract.Verdict.COMPLIANT, "Compliant"
    NEEDS_REVIEW = contract.Verdict.NEEDS_REVIEW, "Needs review"
    NON_COMPLIANT = contract.Verdict.NON_COMPLIANT, "Non-compliant"


class ComplianceCheckQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> "ComplianceCheckQuerySet":
        """Checks of the user's offices' orders, or of their lots (storage placements)."""
        scope = scope_of(user)
        return self.filter(
            scope.condition(office="order__office", right_holder=None)
            | scope.condition(office="lot__office", right_holder=None)
        )

    def for_list(self) -> "ComplianceCheckQuerySet":
        """Stored checks with what a list shows, in one query."""
        return self.select_related("order", "lot", "checked_by").order_by("-checked_at", "-id")


class ComplianceCheck(models.Model):
    """One run of the rulebook over an order, a record or a placement, kept explainable: the
    rulebook version and the findings are stored as they were."""

    class Stage(models.TextChoices):
        STORAGE = "storage", "Storage placement"
        SUBMIT = "submit", "Order submitted"
        APPROVE = "approve", "Order approved"
        RECORD = "record", "Destruction recorded"

    stage = models.CharField(max_length=20, choices=Stage.choices)
    order = models.ForeignKey(
        DestructionOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_checks",
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="compliance_checks"
    )
    rulebook_version = models.CharField(max_length=20)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    findings = models.JSONField(default=list)
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ComplianceCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{self.stage} {self.verdict} ({self.rulebook_version})"

    def blocking_findings(self) -> list[contract.Finding]:
        """The stored findings that block (the hook contract, project.compliance.OrderCheck)."""
        return [
            contract.Finding(
                row.get("rule", ""),
                contract.Severity.BLOCKING,
                row.get("message", ""),
                row.get("detail", ""),
                row.get("lot", ""),
            )
            for row in self.findings
            if row.get("severity") == contract.Severity.BLOCKING
        ]


class CertificateReviewQuerySet(ScopedQuerySet):
    office_lookup = "certificate__office"


class CertificateReview(models.Model):
    """An auditor's decision on an issued certificate (digest C8 X-CE-*). One per certificate,
    unless its lots are amended after the review: then it is reviewed again (the latest
    counts)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        FLAGGED = "flagged", "Flagged"

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    findings = models.JSONField(
        default=list, blank=True, help_text="[{rule, severity, message}] raised by the auditor."
    )
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        permissions = [("review_certificate", "Can review certificates of destruction")]

    def __str__(self) -> str:
        return f"{self.certificate} {self.decision}"


class ExchangeRate(models.Model):
    """Yearly conversion rate of a currency into the reporting currency (statistics)."""

    year = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(
        max_digits=14, decimal_places=6, help_text="Reporting-currency units per 1 unit."
    )

    class Meta:
        ordering = ["-year", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["year", "currency"], name="one_rate_per_year_currency")
        ]
        permissions = [("view_statistics", "Can view and export annual statistics")]

    def __str__(self) -> str:
        return f"{self.year} {self.currency} {self.rate}"
