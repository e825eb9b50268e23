"""Destruction orders and their lines: status and its transition table, legal basis."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

# Importing the cost ledger's module registers its models with this app.
from destruction.costs.models import Payer
from destruction.methods import Method
from destruction.models.facilities import Facility
from project.subqueries import count_of, sum_of
from seizures.models import CustomsOffice, Lot
from seizures.scoping import ScopedQuerySet


class WitnessRole(models.TextChoices):
    CUSTOMS_OFFICER = "customs_officer", "Customs officer"
    RIGHT_HOLDER = "right_holder", "Right holder"
    FACILITY_OPERATOR = "facility_operator", "Facility operator"
    OTHER = "other", "Other"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DISPATCHED = "dispatched", "Dispatched"
    EXECUTED = "executed", "Executed"
    CERTIFIED = "certified", "Certified"
    CANCELLED = "cancelled", "Cancelled"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.SUBMITTED, OrderStatus.CANCELLED}),
    # Back to draft: the preparer takes a submitted order back to change it (issue 14, item 2).
    OrderStatus.SUBMITTED: frozenset(
        {OrderStatus.APPROVED, OrderStatus.DRAFT, OrderStatus.CANCELLED}
    ),
    OrderStatus.APPROVED: frozenset({OrderStatus.DISPATCHED, OrderStatus.CANCELLED}),
    OrderStatus.DISPATCHED: frozenset({OrderStatus.EXECUTED, OrderStatus.CANCELLED}),
    OrderStatus.EXECUTED: frozenset({OrderStatus.CERTIFIED}),
    OrderStatus.CERTIFIED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class LegalBasis(models.TextChoices):
    """Legal basis of a destruction (digest X-LB-01)."""

    ART_23 = "art23", "Reg. 608/2013 Art. 23 (standard procedure)"
    ART_26 = "art26", "Reg. 608/2013 Art. 26 (small consignments)"
    COURT = "court", "Court judgment"
    ABANDONMENT = "abandonment", "Abandonment to the State (UCC Art. 199)"
    UCC_197 = "ucc197", "Customs destruction (UCC Art. 197)"
    FORFEITURE = "forfeiture", "Criminal or administrative forfeiture"


def lines_of_right_holder(right_holder_id: int, *, order: str = "pk") -> Q:
    """An order (reached by `order` from the outer row) holding a lot of this right holder's."""
    return Q(
        Exists(
            OrderLine.objects.filter(
                order=OuterRef(order), lot__seizure__right_holder_id=right_holder_id
            )
        )
    )


class DestructionOrderQuerySet(ScopedQuerySet):
    office_lookup = "office"

    def right_holder_condition(self, right_holder_id: int) -> Q:
        return lines_of_right_holder(right_holder_id)

    def visible_to(self, user) -> "DestructionOrderQuerySet":
        """A facility operator sees only the orders dispatched to their facility (any other is
        a 404 to them); everyone else the orders of their offices (seizures.scoping)."""
        facility_id = operated_facility_id(user)
        if facility_id is not None:
            return self.filter(facility_id=facility_id, status__in=FACILITY_VISIBLE_STATUSES)
        return super().visible_to(user)

    def for_list(self) -> "DestructionOrderQuerySet":
        """Orders with everything a list row shows, in one query; the lots and their weight are
        counted per row, so a page of orders reads only its own lines."""
        active_lines = OrderLine.objects.filter(order=OuterRef("pk"), active=True)
        return (
            self.select_related("facility", "office", "prepared_by", "submitted_by", "approved_by")
            .annotate(
                lot_count=count_of(active_lines),
                planned_weight_kg=sum_of(active_lines, "lot__gross_weight_kg"),
            )
            .order_by("-planned_date", "-id")
        )

    def for_detail(self) -> "DestructionOrderQuerySet":
        """Orders with their active lines (`active_lines`), record, outputs, witnesses,
        evidence."""
        return (
            self.for_list()
            .select_related(
                "dispatched_by", "cancelled_by", "returned_by", "record", "record__recorded_by"
            )
            .prefetch_related(
                models.Prefetch(
                    "lines",
                    queryset=OrderLine.objects.filter(active=True)
                    .select_related("lot", "lot__seizure", "lot__location")
                    .order_by("lot__reference"),
                    to_attr="active_lines",
                ),
                "record__outputs",
                "record__witnesses",
                "record__evidence",
            )
        )


class DestructionOrder(models.Model):
    """A planned destruction run: lots, one facility, a date, and four-eyes approval."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="orders")
    planned_date = models.DateField()
    cost_estimate = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    cost_currency = models.CharField(max_length=3, default="EUR")
    payer = models.CharField(max_length=20, choices=Payer.choices, default=Payer.RIGHT_HOLDER)
    carrier_name = models.CharField(max_length=200, blank=True)
    carrier_registration = models.CharField(max_length=80, blank=True)
    vehicle = models.CharField(max_length=80, blank=True)
    seal_numbers = models.JSONField(default=list, blank=True)
    consignment_note_number = models.CharField(max_length=80, blank=True)
    planned_witnesses = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(
        blank=True, help_text="Why the preparer last took the submitted order back to draft."
    )
    approval_acknowledgements = models.JSONField(
        default=list,
        blank=True,
        help_text="The warnings of the submit check the approver acknowledged, each with its "
        "rule, lot, message and (X-MF-02) justification, as approved.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DestructionOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            )
        ]
        permissions = [
            ("submit_order", "Can submit destruction orders"),
            ("approve_order", "Can approve destruction orders"),
            ("dispatch_order", "Can dispatch destruction orders"),
            ("record_destruction", "Can record destruction"),
            ("cancel_order", "Can cancel destruction orders"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def planned_witnesses_for_display(self) -> list[dict]:
        """The planned witnesses with their role's label ("Customs officer")."""
        labels = dict(WitnessRole.choices)
        return [
            {**witness, "role_label": labels.get(witness.get("role"), witness.get("role", ""))}
            for witness in self.planned_witnesses or []
        ]


class OrderLine(models.Model):
    """A lot in an order with its planned and actual method. A lot has one active line at most."""

    order = models.ForeignKey(DestructionOrder, on_delete=models.PROTECT, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="order_lines")
    method = models.CharField(max_length=30, choices=Method.choices)
    actual_method = models.CharField(max_length=30, choices=Method.choices, blank=True)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    justification = models.TextField(
        blank=True, help_text="Why a lower waste-hierarchy method was chosen (X-MF-02)."
    )
    # The papers a method rests on, decided when it is chosen (blank: not recorded). The
    # consent here is to a non-destructive route; the seizure's right-holder agreement is to
    # destruction itself (digest C1), a different paper.
    right_holder_consent_reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="The right holder's written consent to a non-destructive route (X-RH-02).",
    )
    customs_decision_reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="The customs decision setting the conditions of a non-destructive route "
        "(Art. 25(1)(a)).",
    )
    lab_analysis_reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="The lab report identifying the active substances of chemicals (CHE-S3).",
    )
    excise_notification_reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="The notice informing the excise authority, with the duty status (ALC-C1).",
    )
    dispatch_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(
        default=True, help_text="False once the order is cancelled and the lot is free again."
    )

    class Meta:
        ordering = ["order", "lot__reference"]
        constraints = [
            # A lot can be in one open (or completed) order only: never allocated twice.
            models.UniqueConstraint(
                fields=["lot"], condition=Q(active=True), name="lot_in_one_active_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} / {self.lot}"


class FacilityOperator(models.Model):
    """A user who works for one facility (group Facility operator): they see only the orders
    dispatched to it, confirm their receipt and submit the execution record. Their API tokens
    act for the same facility."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facility_operator"
    )
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="operators")

    def __str__(self) -> str:
        return f"{self.user} at {self.facility}"


# What a facility operator sees: orders on their way to the facility or done there.
FACILITY_VISIBLE_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.EXECUTED, OrderStatus.CERTIFIED)


def operated_facility_id(user) -> int | None:
    """The facility a user operates for (group Facility operator), or None; read once per
    request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_operated_facility_id"):
        user._operated_facility_id = (
            FacilityOperator.objects.filter(user_id=user.pk)
            .values_list("facility_id", flat=True)
            .first()
        )
    return user._operated_facility_id
