"""The cost ledger. Models live here and are registered through destruction/models.py; orders,
facilities and methods are referred to by name so this module imports nothing of destruction's
models (destruction/models.py imports it)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from destruction.methods import Method
from seizures.choices import ZoneType
from seizures.models import CustomsOffice, Lot, RightHolder, Seizure
from seizures.scoping import ScopedQuerySet


class Payer(models.TextChoices):
    RIGHT_HOLDER = "right_holder", "Right holder (decision holder)"
    DECLARANT = "declarant", "Declarant or owner"
    ADMINISTRATION = "administration", "Customs administration"


class CostKind(models.TextChoices):
    STORAGE = "storage", "Storage"
    HANDLING = "handling", "Handling"
    TRANSPORT = "transport", "Transport"
    DESTRUCTION = "destruction", "Destruction"


class Basis(models.TextChoices):
    PER_DAY = "per_day", "per day"
    PER_EVENT = "per_event", "per handling event"
    PER_KG = "per_kg", "per kg"
    FLAT = "flat", "flat, shared by weight"


# The bases each kind of cost may be charged on.
KIND_BASES: dict[str, frozenset[str]] = {
    CostKind.STORAGE: frozenset({Basis.PER_DAY}),
    CostKind.HANDLING: frozenset({Basis.PER_EVENT}),
    CostKind.TRANSPORT: frozenset({Basis.PER_KG, Basis.FLAT}),
    CostKind.DESTRUCTION: frozenset({Basis.PER_KG, Basis.FLAT}),
}


class TariffQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "TariffQuerySet":
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day
        )


class Tariff(models.Model):
    """A price valid from a date: storage per day and zone type, handling per event, transport
    and destruction per kg or flat per order (optionally for one facility or method). The most
    specific tariff valid on the day applies."""

    kind = models.CharField(max_length=20, choices=CostKind.choices)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=4, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="EUR")
    zone_type = models.CharField(
        max_length=30,
        choices=ZoneType.choices,
        blank=True,
        help_text="Storage: this zone type only.",
    )
    method = models.CharField(
        max_length=30,
        choices=Method.choices,
        blank=True,
        help_text="Destruction: this method only.",
    )
    facility = models.ForeignKey(
        "destruction.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tariffs",
        help_text="Transport or destruction: this facility only.",
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = TariffQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="tariff_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} {self.get_basis_display()}"

    def scope_text(self) -> str:
        parts = [
            self.get_zone_type_display() if self.zone_type else "",
            self.get_method_display() if self.method else "",
            self.facility.name if self.facility_id else "",
        ]
        return ", ".join(part for part in parts if part) or "all"


class StatementStatus(models.TextChoices):
    OPEN = "open", "Open"
    PART_PAID = "part_paid", "Part-paid"
    PAID = "paid", "Paid"


STATEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    StatementStatus.OPEN: frozenset({StatementStatus.PART_PAID, StatementStatus.PAID}),
    StatementStatus.PART_PAID: frozenset({StatementStatus.PART_PAID, StatementStatus.PAID}),
    StatementStatus.PAID: frozenset(),
}


class StatementQuerySet(ScopedQuerySet):
    """A statement bills one right holder, across offices: customs staff see those billing a
    lot of one of their offices; the right holder's users see its own."""

    right_holder_lookup = "right_holder"

    def office_condition(self, office_ids: list[int]) -> Q:
        return Q(
            Exists(CostEntry.objects.filter(statement=OuterRef("pk"), lot__office__in=office_ids))
        )

    def overdue(self, today: datetime.date | None = None) -> "StatementQuerySet":
        return self.exclude(status=StatementStatus.PAID).filter(
            due_on__lt=today or timezone.localdate()
        )

    def for_list(self) -> "StatementQuerySet":
        return self.select_related("right_holder", "seizure", "issued_by").order_by(
            "-issued_at", "-id"
        )


class Statement(models.Model):
    """A cost statement to a right holder for a period (or one seizure): the unbilled costs it
    pays, fixed at issue. Payments are recorded against it until it is paid."""

    number = models.CharField(max_length=30, unique=True, editable=False)
    right_holder = models.ForeignKey(
        RightHolder, on_delete=models.PROTECT, related_name="statements"
    )
    seizure = models.ForeignKey(
        Seizure, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    period_from = models.DateField()
    period_to = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    paid_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    status = models.CharField(
        max_length=20, choices=StatementStatus.choices, default=StatementStatus.OPEN
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        permissions = [("record_payment", "Can record a payment of a cost statement")]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("total")),
                name="statement_paid_within_total",
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="statement_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid_amount

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status != StatementStatus.PAID and self.due_on < (today or timezone.localdate())


class CostEntryQuerySet(ScopedQuerySet):
    office_lookup = "lot__office"
    right_holder_lookup = "lot__seizure__right_holder"

    def unbilled(self) -> "CostEntryQuerySet":
        return self.filter(statement__isnull=True)

    def in_statement_order(self) -> "CostEntryQuerySet":
        """By seizure, lot and kind, with what a statement line names."""
        return self.select_related("lot", "lot__seizure").order_by(
            "lot__seizure__reference", "lot__reference", "kind"
        )

    def total(self) -> Decimal:
        return self.aggregate(total=Coalesce(Sum("amount"), Decimal("0")))["total"]


class CostEntry(models.Model):
    """One cost a lot accrued: its kind, quantity (days, events, kg or weight share), the tariff
    and the rule that set the amount, and who pays. Written once by the cost services; billed by
    at most one statement."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="costs")
    order = models.ForeignKey(
        "destruction.DestructionOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="costs",
    )
    kind = models.CharField(max_length=20, choices=CostKind.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=20)
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    payer = models.CharField(max_length=20, choices=Payer.choices)
    rule = models.CharField(max_length=300, help_text="How the amount was set, in words.")
    incurred_on = models.DateField()
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )

    objects = CostEntryQuerySet.as_manager()

    class Meta:
        ordering = ["lot_id", "kind", "id"]
        constraints = [
            # A lot leaves storage once: each kind of its costs is accrued once.
            models.UniqueConstraint(fields=["lot", "kind"], name="cost_entry_once_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["payer", "incurred_on"])]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.kind} {self.amount} {self.currency}"


class UnbilledCostQuerySet(ScopedQuerySet):
    # Right holders' users have no rows here: the counter is kept per office (a lot's office
    # never changes, its seizure's right holder may be amended), so they sum their own entries.
    office_lookup = "office"


class UnbilledCost(models.Model):
    """The running total of an office's unbilled cost entries in one currency (issue 16: the
    dashboard reads it instead of summing every unbilled entry). Kept by
    destruction.costs.services.count_unbilled in the transaction that writes or bills the
    entries; `rebuild_unbilled_costs` recounts it."""

    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    entries = models.PositiveIntegerField(default=0)

    objects = UnbilledCostQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["office", "currency"], name="unbilled_cost_once")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.amount} {self.currency} ({self.entries} entries)"


class Payment(models.Model):
    """A payment received against a statement, recorded by an administrator."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.statement} {self.amount} on {self.paid_on}"
