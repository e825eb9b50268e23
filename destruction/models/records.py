"""What happened at the facility: execution records, output fractions, witnesses, evidence."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from destruction.methods import OPERATION_CODES

# Importing the cost ledger's module registers its models with this app.
from destruction.models.orders import DestructionOrder, WitnessRole
from project.models import StoredUpload
from seizures.scoping import ScopedQuerySet


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

    # Planned witnesses (on the order) take the same roles.
    Role = WitnessRole

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


class EvidenceFile(StoredUpload):
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

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["record", "id"]
