"""Stored compliance checks, auditors' certificate reviews and the statistics rate table."""

from django.conf import settings
from django.db import models

from destruction.models import Certificate, DestructionOrder
from project import compliance as contract
from seizures.models import CustomsOffice, Lot
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


# --- annual statistics: rollups maintained by the services (compliance.statistics.rollups) ---
#
# Each table holds sums of one unit over a small key (month or day, office, a breakdown value).
# The services add the change they make, in their own transaction (settings.STATISTICS_ROLLUP_
# CHANGE); `rebuild_statistics` recounts them from the base tables and `verify_statistics`
# compares them with a full recount. A month is stored as its first day.


class Rollup(models.Model):
    """A rollup table: sums (its other columns) per KEY."""

    KEY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return " ".join(str(getattr(self, self._meta.get_field(n).attname)) for n in self.KEY)


class EnforcementRollup(Rollup):
    """Lots detained per month of detention x office x breakdown value (dimension "total" has
    one value ""). `cases` counts seizures with a lot in the row: a seizure has one month and
    one office, so the months and offices of a value add up to its cases."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=30)
    value = models.CharField(max_length=40, blank=True)
    cases = models.IntegerField(default=0)
    lots = models.IntegerField(default=0)
    articles = models.BigIntegerField(default=0)

    KEY = ("month", "office", "dimension", "value")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "dimension", "value"], name="enforcement_rollup_key"
            )
        ]


class RetailValueRollup(Rollup):
    """Retail value per month x office x breakdown value x currency, in the lots' own currency:
    converted when read, with the rates of the year (so a rate set later needs no rebuild)."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=30)
    value = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    lots = models.IntegerField(default=0, help_text="Lots detained (samples not counted).")
    retail_value = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    KEY = ("month", "office", "dimension", "value", "currency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "dimension", "value", "currency"],
                name="retail_value_rollup_key",
            )
        ]


class DestructionRollup(Rollup):
    """Lots destroyed per month of execution x office of the order x method used x hazardous
    waste x EWC chapter: the method, hierarchy, chapter and hazard breakdowns and totals."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=30)
    hazardous = models.BooleanField()
    ewc_chapter = models.CharField(max_length=2, blank=True)
    lots = models.IntegerField(default=0)
    articles = models.BigIntegerField(default=0)
    kg = models.DecimalField(max_digits=20, decimal_places=3, default=0)

    KEY = ("month", "office", "method", "hazardous", "ewc_chapter")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "method", "hazardous", "ewc_chapter"],
                name="destruction_rollup_key",
            )
        ]


class OutputRollup(Rollup):
    """Output fractions per month of execution x office of the order x output route."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=20)
    fractions = models.IntegerField(default=0)
    kg = models.DecimalField(max_digits=20, decimal_places=3, default=0)

    KEY = ("month", "office", "route")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "office", "route"], name="output_rollup_key")
        ]


class DestructionDelayRollup(Rollup):
    """A histogram of days from detention to destruction (one bin per whole day) per month of
    execution x office: the exact mean and 90th percentile come from it."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    days = models.IntegerField()
    lots = models.IntegerField(default=0)

    KEY = ("month", "office", "days")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "office", "days"], name="delay_rollup_key")
        ]


class StockRollup(Rollup):
    """Net change of the stock under customs control per day x office: + at detention, - on
    the day a lot is destroyed or released. The stock at a year's end is the sum up to it."""

    day = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    lots = models.IntegerField(default=0, help_text="Lots (samples not counted).")
    kg = models.DecimalField(max_digits=20, decimal_places=3, default=0)

    KEY = ("day", "office")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "office"], name="stock_rollup_key")]


class EventRollup(Rollup):
    """Counts of dated events per month x office: orders executed, certificates issued and
    revoked, certificates flagged by an auditor."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=30)
    count = models.IntegerField(default=0)

    KEY = ("month", "office", "event")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "office", "event"], name="event_rollup_key")
        ]


class CostRollup(Rollup):
    """Cost entries per month they were incurred x office of the lot x breakdown value x
    currency, in the entries' own currency (converted when read, with the rates of the year).
    Every entry counts once under each dimension: "method" (the method that destroyed its lot,
    "" for a lot released), "payer" and "kind"."""

    month = models.DateField()
    office = models.ForeignKey(CustomsOffice, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=30, blank=True)
    currency = models.CharField(max_length=3)
    entries = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    KEY = ("month", "office", "dimension", "value", "currency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "dimension", "value", "currency"],
                name="cost_rollup_key",
            )
        ]


class StatisticsEdition(models.Model):
    """A year's statistics closed by an administrator: the JSON export of the year (all offices
    and each office) frozen byte for byte, served for that year from then on. A later correction
    makes a revised edition (number + 1) with its changes against the previous one; every
    edition is kept."""

    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField(help_text="1 for the first close, then each revision.")
    sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the list of its documents' SHA-256 (manifest)."
    )
    rulebook_version = models.CharField(max_length=20)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_by_name = models.CharField(max_length=150)
    closed_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text="What a revision corrects.")
    quality_issues = models.JSONField(
        default=dict, help_text="The data-quality gate at closing: {issue: count}."
    )
    changes = models.JSONField(
        default=list, help_text="Figures that differ from the previous edition."
    )

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_edition_number_a_year")
        ]
        permissions = [("close_statistics", "Can close a year's statistics (frozen edition)")]

    def __str__(self) -> str:
        return f"{self.year} edition {self.number}"


class EditionDocument(models.Model):
    """One JSON export of an edition (all offices when `office` is empty), as served."""

    edition = models.ForeignKey(
        StatisticsEdition, on_delete=models.PROTECT, related_name="documents"
    )
    office = models.ForeignKey(
        CustomsOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "office"], name="one_document_per_edition_office"
            ),
            models.UniqueConstraint(
                fields=["edition"],
                condition=models.Q(office__isnull=True),
                name="one_all_offices_document_per_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.office.code if self.office else 'all offices'}"
