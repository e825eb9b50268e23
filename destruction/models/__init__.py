"""Disposal facilities, destruction orders, execution records and certificates of destruction."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django_countries.fields import CountryField

# Importing the cost ledger's module registers its models with this app.
from destruction.costs.models import Payer
from destruction.methods import OPERATION_CODES, Method
from project.subqueries import count_of, sum_of
from seizures.models import CustodyEvent, CustomsOffice, Lot
from seizures.scoping import ScopedQuerySet
from seizures.waste_codes import canonical_code, code_errors


class FacilityQuerySet(models.QuerySet):
    def for_list(self) -> "FacilityQuerySet":
        """Facilities with their permits (newest first) and how many orders they serve."""
        return (
            self.prefetch_related(
                models.Prefetch("permits", queryset=FacilityPermit.objects.order_by("-valid_until"))
            )
            .annotate(order_count=models.Count("orders"))
            .order_by("name")
        )


class Facility(models.Model):
    """A permitted treatment or disposal facility (digest X-MF-03)."""

    class Certification(models.TextChoices):
        ISO_14001 = "ISO14001", "ISO 14001"
        WEEE = "WEEE", "WEEE treatment"
        R2 = "R2", "R2"
        E_STEWARDS = "E_STEWARDS", "e-Stewards"

    name = models.CharField(max_length=200, unique=True)
    operator = models.CharField(max_length=200)
    address = models.TextField()
    country = CountryField()
    certifications = models.JSONField(default=list, blank=True)
    max_incineration_temperature_c = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin saves through this model validation, the facility service through both.
        errors = certification_errors(self.certifications)
        if errors:
            raise ValidationError({"certifications": errors})

    @property
    def hazardous_allowed(self) -> bool:
        """Any permit allows hazardous waste (reads prefetched permits)."""
        return any(permit.hazardous_allowed for permit in self.permits.all())


def certification_errors(certifications: object) -> list[str]:
    """Why a facility's certification list is not acceptable ([] when it is)."""
    choices = Facility.Certification.values
    if not isinstance(certifications, list):
        return [f"List the certifications, from {', '.join(choices)}."]
    unknown = [c for c in certifications if c not in choices]
    if unknown:
        return [
            f"Unknown certification {', '.join(map(str, unknown))}; choose from "
            f"{', '.join(choices)}."
        ]
    return []


class FacilityPermit(models.Model):
    """An environmental permit of a facility: which R/D operations, for which waste, until when."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="permits")
    number = models.CharField(max_length=80)
    authority = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_until = models.DateField()
    operations = models.JSONField(default=list, help_text="R/D operation codes, e.g. R1, D10.")
    waste_codes = models.JSONField(
        default=list,
        blank=True,
        help_text="EU List of Waste codes the permit accepts, e.g. 16 06 01* (WFD Art. 23).",
    )
    hazardous_allowed = models.BooleanField(default=False)
    mixing_permitted = models.BooleanField(
        default=False,
        help_text="Permitted to mix hazardous with non-hazardous waste (WFD Art. 18(2); X-MF-05).",
    )

    class Meta:
        ordering = ["facility", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="permit_dates_ordered"
            ),
            models.UniqueConstraint(fields=["facility", "number"], name="permit_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.facility})"

    def clean(self) -> None:
        errors = {}
        unknown = [code for code in self.operations or [] if code not in OPERATION_CODES]
        if unknown or not self.operations:
            errors["operations"] = [
                f"List R/D operation codes (R1-R13, D1-D15); unknown: {', '.join(unknown)}."
                if unknown
                else "List the authorised R/D operation codes."
            ]
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = ["Valid until is before valid from."]
        waste_code_problems = (
            code_errors(self.waste_codes)
            if isinstance(self.waste_codes, list)
            else ["List the EU List of Waste codes."]
        )
        if waste_code_problems:
            errors["waste_codes"] = waste_code_problems
        else:
            # The list's spelling, as the facility service stores it (the admin saves here).
            self.waste_codes = sorted({canonical_code(code) for code in self.waste_codes})
        if errors:
            raise ValidationError(errors)


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
        labels = dict(Witness.Role.choices)
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


class DecompositionState(models.TextChoices):
    """The state of food goods when destroyed (FOOD-C1): spoiled animal-origin material may
    fall in a higher-risk animal by-product category (CJEU C-836/19)."""

    INTACT = "intact", "Intact"
    SPOILED = "spoiled", "Spoiled or decomposing"


class DestructionRecord(models.Model):
    """What happened at the facility: times, parameters, weights, witnesses and evidence."""

    order = models.OneToOneField(DestructionOrder, on_delete=models.PROTECT, related_name="record")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    temperature_c = models.PositiveIntegerField(null=True, blank=True)
    residence_time_s = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    halogenated_over_1pct = models.BooleanField(null=True, blank=True)
    particle_size_mm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    debranded = models.BooleanField(default=False)
    batteries_removed = models.BooleanField(default=False)
    aerosols_degassed = models.BooleanField(default=False)
    denatured = models.BooleanField(
        default=False, help_text="Rendered unsmokeable or undrinkable before recovery."
    )
    pyrotechnics_neutralised = models.BooleanField(
        default=False, help_text="Air-bag inflators or pretensioners deployed or neutralised."
    )
    liquid_volume_l = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Liquid volume destroyed, in litres, recorded with the mass (COS-C1).",
    )
    decomposition_state = models.CharField(
        max_length=10,
        choices=DecompositionState.choices,
        blank=True,
        help_text="State of food goods when destroyed (FOOD-C1).",
    )
    gate_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    weighbridge_ticket = models.CharField(max_length=80, blank=True)
    customs_officer_present = models.BooleanField(default=True)
    officer_absence_reason = models.TextField(blank=True)
    mass_balance_deviation = models.BooleanField(default=False)
    deviation_justification = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A record submitted by the facility's own operator is countersigned by the warehouse or an
    # administrator before the certificate.
    recorded_by_facility = models.BooleanField(default=False, editable=False)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="record_times_ordered"
            )
        ]
        permissions = [("countersign_record", "Can countersign a facility's execution record")]

    def __str__(self) -> str:
        return f"Record of {self.order}"

    @property
    def awaits_countersignature(self) -> bool:
        return self.recorded_by_facility and self.countersigned_at is None


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


class ReceiptDiscrepancy(models.TextChoices):
    MISSING = "missing", "Missing goods"
    EXTRA = "extra", "Extra goods"
    WRONG_GOODS = "wrong_goods", "Wrong goods"


class Receipt(models.Model):
    """The facility's confirmation that a dispatched order arrived: gate time, weighbridge
    ticket and weight (per lot or in total), the seals, and what did not match. A weight outside
    the mass-balance tolerance (X-QM-02), a broken seal (X-CC-07) or a discrepancy raises a
    blocking finding that an administrator resolves with a reason before the certificate."""

    order = models.OneToOneField(DestructionOrder, on_delete=models.PROTECT, related_name="receipt")
    gate_at = models.DateTimeField(help_text="When the vehicle passed the facility's gate.")
    weighbridge_ticket = models.CharField(max_length=80)
    total_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    weighed_per_lot = models.BooleanField(default=False)
    seals_intact = models.BooleanField()
    broken_seals = models.JSONField(default=list, blank=True)
    discrepancies = models.JSONField(
        default=list, blank=True, help_text="[{kind, lot, note}] of what did not match."
    )
    note = models.TextField(blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    findings = models.JSONField(default=list, blank=True)
    blocking = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(total_weight_kg__gte=0), name="receipt_weight_not_negative"
            )
        ]
        permissions = [
            ("receive_order", "Can confirm receipt of an order at the facility"),
            ("resolve_receipt", "Can resolve the blocking findings of a receipt"),
        ]

    def __str__(self) -> str:
        return f"Receipt of {self.order}"

    @property
    def blocks_certificate(self) -> bool:
        return self.blocking and self.resolved_at is None


class ReceiptLine(models.Model):
    """The weight of one lot at the facility's weighbridge."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["lot__reference"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "lot"], name="receipt_line_unique"),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=0), name="receipt_line_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}:{self.lot_id}"


class OutputRoute(models.TextChoices):
    RECYCLED = "recycled", "Recycled"
    ENERGY_RECOVERY = "energy_recovery", "Energy recovery"
    INCINERATED = "incinerated", "Incinerated without recovery"
    LANDFILLED = "landfilled", "Landfilled"
    HAZARDOUS_RESIDUE = "hazardous_residue", "Hazardous residue"


class OutputFraction(models.Model):
    """Where the treated mass went (digest X-QM-02, X-MF-07)."""

    record = models.ForeignKey(DestructionRecord, on_delete=models.CASCADE, related_name="outputs")
    route = models.CharField(max_length=20, choices=OutputRoute.choices)
    weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    destination = models.CharField(max_length=200, blank=True)
    # What an environmental auditor traces the fraction by (issue 15): the operation the
    # receiving plant applies to it, the fraction's own List of Waste code (chapter 19 for
    # treatment residues), the plant's permit and the shipment's document. Blank: not recorded.
    operation_code = models.CharField(
        "R/D code",
        max_length=3,
        blank=True,
        choices=[(code, code) for code in OPERATION_CODES],
        help_text="Recovery or disposal operation at the destination (WFD Annexes I and II).",
    )
    ewc_code = models.CharField(
        "EWC code",
        max_length=9,
        blank=True,
        help_text="The fraction's code in the EU List of Waste (e.g. 19 12 08).",
    )
    destination_permit = models.CharField(
        max_length=80, blank=True, help_text="Permit number of the receiving facility."
    )
    shipment_reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="Consignment note or waste shipment document carrying the fraction.",
    )

    class Meta:
        ordering = ["record", "route"]

    def __str__(self) -> str:
        return f"{self.route} {self.weight_kg} kg"


class Witness(models.Model):
    """A person who witnessed the destruction (digest X-WE-01/02)."""

    class Role(models.TextChoices):
        CUSTOMS_OFFICER = "customs_officer", "Customs officer"
        RIGHT_HOLDER = "right_holder", "Right holder"
        FACILITY_OPERATOR = "facility_operator", "Facility operator"
        OTHER = "other", "Other"

    record = models.ForeignKey(
        DestructionRecord, on_delete=models.CASCADE, related_name="witnesses"
    )
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["record", "id"]
        verbose_name_plural = "witnesses"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    return f"evidence/{instance.record.order.reference}/{instance.sha256[:16]}-{filename}"


class EvidenceFileQuerySet(ScopedQuerySet):
    office_lookup = "record__order__office"


class EvidenceFile(models.Model):
    """A photo, video, weighbridge ticket or minutes, kept with its SHA-256 (digest X-WE-03)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        VIDEO = "video", "Video"
        WEIGHBRIDGE_TICKET = "weighbridge_ticket", "Weighbridge ticket"
        MINUTES = "minutes", "Minutes"
        OTHER = "other", "Other"

    record = models.ForeignKey(DestructionRecord, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["record", "id"]

    def __str__(self) -> str:
        return self.original_name


class CertificateStatus(models.TextChoices):
    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"


# A certificate is never edited (C8.14): a valid one is revoked, and a revoked one is superseded
# by its re-issue; both stay as they are.
CERTIFICATE_TRANSITIONS: dict[CertificateStatus, frozenset[CertificateStatus]] = {
    CertificateStatus.VALID: frozenset({CertificateStatus.REVOKED}),
    CertificateStatus.REVOKED: frozenset({CertificateStatus.SUPERSEDED}),
    CertificateStatus.SUPERSEDED: frozenset(),
}


class CertificateQuerySet(ScopedQuerySet):
    office_lookup = "office"

    def right_holder_condition(self, right_holder_id: int) -> Q:
        return lines_of_right_holder(right_holder_id, order="order")

    def with_related(self) -> "CertificateQuerySet":
        return self.select_related("order", "order__facility", "office", "issued_by")

    def for_list(self) -> "CertificateQuerySet":
        """Certificates for lists: without their PDF and snapshot (only the snapshot's totals
        and verdict), with the latest review decision, the latest amendment of its lots after
        issue (when and why) and the superseding links, all in one query."""
        # A certificate amended after its review is reviewed again: the latest review counts. The
        # review model belongs to compliance (above this app): reached through the relation.
        reviews = (
            Certificate._meta.get_field("reviews")
            .related_model.objects.filter(certificate=OuterRef("pk"))
            .order_by("-decided_at", "-id")
        )
        amendments = CustodyEvent.objects.filter(
            kind=CustodyEvent.Kind.AMENDED,
            lot__order_lines__order=OuterRef("order"),
            occurred_at__gt=OuterRef("issued_at"),
        ).order_by("-occurred_at", "-id")
        return (
            self.with_related()
            .defer("pdf", "snapshot")
            .annotate(
                totals=KeyTransform("totals", "snapshot"),
                verdict=KeyTextTransform("verdict", KeyTransform("compliance", "snapshot")),
                review_decision=Subquery(reviews.values("decision")[:1]),
                reviewed_at=Subquery(reviews.values("decided_at")[:1]),
                amended_at=Subquery(amendments.values("occurred_at")[:1]),
                amendment_reason=Subquery(
                    amendments.annotate(reason=KeyTextTransform("reason", "details")).values(
                        "reason"
                    )[:1]
                ),
                superseded_by_number=F("superseded_by__number"),
                supersedes_number=F("supersedes__number"),
            )
        )


class Certificate(models.Model):
    """A certificate of destruction: a frozen snapshot, its PDF and the PDF's hash (digest C8)."""

    number = models.CharField(max_length=30, unique=True, editable=False)
    year = models.PositiveIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    order = models.ForeignKey(
        DestructionOrder, on_delete=models.PROTECT, related_name="certificates"
    )
    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="+")
    verification_code = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="certificate_sequence_unique"
            ),
            # One valid certificate per order: issuing twice is impossible.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_order",
            ),
        ]
        permissions = [
            ("issue_certificate", "Can issue certificates of destruction"),
            ("revoke_certificate", "Can revoke and re-issue certificates"),
        ]

    def __str__(self) -> str:
        return self.number
