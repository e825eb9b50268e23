"""Inventory: warehouses and their storage locations, seizures and their lots."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField

from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.choices import (
    ActionType,
    CustomsProcedure,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    LotStatus,
    SamplePurpose,
    TrafficType,
    TransportMode,
    ZoneType,
)
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS, on_court_route
from seizures.models.reference import CustomsOffice, RightHolder
from seizures.querysets import (
    LotQuerySet,
    SeizureQuerySet,
    StorageLocationQuerySet,
    WarehouseQuerySet,
)
from seizures.storage import OCCUPYING_STATUSES
from seizures.waste_codes import WasteCode, default_code, is_hazardous_waste, lookup


class Warehouse(models.Model):
    """A customs warehouse holding seized goods."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="warehouses")
    address = models.TextField(blank=True)

    objects = WarehouseQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# Zone types built for hazardous goods (digest B18, S37): they cannot sit in a non-hazardous zone.
HAZARDOUS_ZONES = (ZoneType.HAZARDOUS, ZoneType.FIRE_SEPARATED)


class StorageLocation(models.Model):
    """A place in a warehouse: a zone, or a bay or bin inside one (a tree)."""

    class Kind(models.TextChoices):
        ZONE = "zone", "Zone"
        BAY = "bay", "Bay"
        BIN = "bin", "Bin"

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(
        max_length=40, unique=True, help_text="Unique label code, e.g. BRU1-HZ-B03."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BAY)
    zone_type = models.CharField(max_length=30, choices=ZoneType.choices)
    accepted_hazard_classes = models.JSONField(
        default=list, blank=True, help_text="UN hazard classes this location may hold."
    )
    capacity_kg = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Weight of the lots stored in this location itself; lots in its sub-locations "
        "count toward theirs, not toward this one.",
    )
    active = models.BooleanField(default=True)
    last_stocktake_on = models.DateField(
        null=True,
        blank=True,
        help_text="Day the location was last counted, discrepancies logged (X-CC-06).",
    )
    # The lots occupying this location and their gross kg, kept by seizures.occupancy in the
    # transaction of every write that changes them: pages read these instead of summing lots.
    stored_lots = models.IntegerField(default=0, editable=False)
    stored_kg = models.DecimalField(
        max_digits=14, decimal_places=3, default=Decimal("0"), editable=False
    )

    objects = StorageLocationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_kg__isnull=True) | Q(capacity_kg__gte=0),
                name="location_capacity_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.last_stocktake_on and self.last_stocktake_on > timezone.localdate():
            errors["last_stocktake_on"] = ["A stocktake cannot be recorded for a future day."]
        unknown = [c for c in self.accepted_hazard_classes or [] if c not in HazardClass.values]
        if unknown:
            errors["accepted_hazard_classes"] = [f"Unknown UN hazard class: {', '.join(unknown)}."]
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = ["A location cannot be its own parent."]
            elif self.warehouse_id and self.parent.warehouse_id != self.warehouse_id:
                errors["parent"] = ["The parent location belongs to another warehouse."]
            elif self.pk is not None and self.pk in self.parent.ancestor_ids():
                errors["parent"] = [
                    f"{self.parent.code} lies inside {self.code}: a location cannot be placed "
                    "inside its own sub-location."
                ]
            else:
                errors.update(self._parent_zone_errors())
        if self.pk is not None and not errors:
            errors.update(self._children_zone_errors())
            errors.update(self._stored_goods_errors())
        if errors:
            raise ValidationError(errors)

    def ancestor_ids(self) -> list[int]:
        """Ids of the locations above this one, nearest first (one query per level: trees are a
        few levels deep). Stops at a cycle already stored rather than looping."""
        ids: list[int] = []
        parent_id = self.parent_id
        while parent_id is not None and parent_id not in ids and parent_id != self.pk:
            ids.append(parent_id)
            parent_id = (
                StorageLocation.objects.filter(pk=parent_id)
                .values_list("parent_id", flat=True)
                .first()
            )
        return ids

    def _parent_zone_errors(self) -> dict[str, list[str]]:
        """A bay is inside its zone: it holds only what the zone may hold (X-CC-04), and a
        hazardous store needs a zone built for hazardous goods around it."""
        parent = self.parent
        errors: dict[str, list[str]] = {}
        extra = sorted(
            set(self.accepted_hazard_classes or []) - set(parent.accepted_hazard_classes)
        )
        if extra:
            errors["accepted_hazard_classes"] = [
                f"The parent {parent.code} does not accept hazard class {', '.join(extra)}."
            ]
        if parent.zone_type == ZoneType.NON_HAZARDOUS and self.zone_type in HAZARDOUS_ZONES:
            errors["zone_type"] = [
                f"A {self.get_zone_type_display().lower()} location cannot lie in the "
                f"non-hazardous {parent.code}."
            ]
        return errors

    def _children_zone_errors(self) -> dict[str, list[str]]:
        """Narrowing a zone must not leave its bays accepting more than it does."""
        errors: dict[str, list[str]] = {}
        accepted = set(self.accepted_hazard_classes or [])
        children = list(self.children.only("code", "zone_type", "accepted_hazard_classes"))
        wider = sorted(
            child.code
            for child in children
            if not set(child.accepted_hazard_classes or []) <= accepted
        )
        if wider:
            errors["accepted_hazard_classes"] = [
                f"Sub-locations {', '.join(wider)} accept hazard classes this location would "
                "not; narrow them first."
            ]
        if self.zone_type == ZoneType.NON_HAZARDOUS:
            hazardous = sorted(
                child.code for child in children if child.zone_type in HAZARDOUS_ZONES
            )
            if hazardous:
                errors["zone_type"] = [
                    f"Sub-locations {', '.join(hazardous)} are hazardous stores; a non-hazardous "
                    "location cannot hold them."
                ]
        return errors

    def _stored_goods_errors(self) -> dict[str, list[str]]:
        """Changing a location must not strand the lots stored there (X-CC-04, capacity)."""
        stored = self.lots.occupying()
        errors: dict[str, list[str]] = {}
        used = stored.aggregate(kg=models.Sum("gross_weight_kg"))["kg"] or Decimal("0")
        if self.capacity_kg is not None and used > self.capacity_kg:
            errors["capacity_kg"] = [f"Lots stored here already weigh {used} kg."]
        classes = {c for row in stored.values_list("hazard_classes", flat=True) for c in row}
        dropped = sorted(classes - set(self.accepted_hazard_classes or []))
        if dropped:
            errors["accepted_hazard_classes"] = [
                f"Lots stored here carry hazard class {', '.join(dropped)}; move them first."
            ]
        return errors


COUNTERFEIT_OR_PIRATED = frozenset(
    {
        IPRType.EU_TRADE_MARK,
        IPRType.NATIONAL_TRADE_MARK,
        IPRType.INTERNATIONAL_TRADE_MARK,
        IPRType.GEOGRAPHICAL_INDICATION,
        IPRType.COPYRIGHT,
        IPRType.DESIGN,
    }
)


class Seizure(models.Model):
    """A case: one detention of goods by customs, with its legal route and deadline."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="seizures")
    year = models.PositiveIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    detained_on = models.DateField()
    place_of_detention = models.CharField(max_length=200, blank=True)
    transport_mode = models.CharField(max_length=20, choices=TransportMode.choices)
    traffic_type = models.CharField(
        max_length=10, choices=TrafficType.choices, default=TrafficType.FREIGHT
    )
    provenance_country = CountryField(help_text="Country the goods were sent from.")
    ipr_type = models.CharField(max_length=30, choices=IPRType.choices)
    customs_procedure = models.CharField(max_length=30, choices=CustomsProcedure.choices)
    action_type = models.CharField(max_length=20, choices=ActionType.choices)
    right_holder = models.ForeignKey(
        RightHolder, on_delete=models.PROTECT, null=True, blank=True, related_name="seizures"
    )
    declarant_name = models.CharField(max_length=200, blank=True)
    consignment_number = models.CharField(
        max_length=60, blank=True, help_text="Declaration, air waybill or parcel number."
    )
    notified_on = models.DateField(null=True, blank=True)
    legal_route = models.CharField(max_length=20, choices=LegalRoute.choices)
    perishable = models.BooleanField(default=False)
    deadline = models.DateField(
        null=True, blank=True, editable=False, help_text="Statutory deadline (working days)."
    )
    declarant_notice_due_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Small consignments: declarant to be notified by this day (Art. 26(3)).",
    )
    # What completes the legal route before destruction (digest X-LB-02..05).
    right_holder_agreement_on = models.DateField(null=True, blank=True)
    declarant_agreement_on = models.DateField(null=True, blank=True)
    declarant_objected = models.BooleanField(default=False)
    # The court route (Art. 23(3)-(5), digest X-LB-05): a court reference is not a judgment.
    # Proceedings must start within 10 working days of the notification (3 for perishables),
    # extendable once by up to 10; only a final judgment ordering destruction completes the route.
    court_name = models.CharField("court", max_length=200, blank=True)
    court_reference = models.CharField(
        max_length=100, blank=True, help_text="Reference of the proceedings."
    )
    proceedings_started_on = models.DateField(null=True, blank=True)
    proceedings_extension_days = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_PROCEEDINGS_EXTENSION_DAYS)],
        help_text="Working days the deadline for starting proceedings was extended (Art. 23(4)).",
    )
    proceedings_extension_reason = models.CharField(max_length=300, blank=True)
    proceedings_due_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Court route: last day to start proceedings (working days, extension included).",
    )
    judgment_on = models.DateField(null=True, blank=True)
    judgment_outcome = models.CharField(max_length=20, choices=JudgmentOutcome.choices, blank=True)
    judgment_final_since = models.DateField(
        null=True, blank=True, help_text="The judgment is final (no appeal possible) since."
    )
    appeal_until = models.DateField(
        null=True, blank=True, help_text="Last day of the appeal window against the judgment."
    )
    on_hold = models.BooleanField(default=False)
    hold_reason = models.TextField(blank=True)
    hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hold_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeizureQuerySet.as_manager()

    class Meta:
        ordering = ["-detained_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="seizure_sequence_unique_per_office"
            ),
            models.CheckConstraint(
                condition=Q(proceedings_extension_days__lte=MAX_PROCEEDINGS_EXTENSION_DAYS),
                name="seizure_proceedings_extension_within_limit",
            ),
        ]
        # (detained_on, id): the list's order, so a page is read from the index, not sorted.
        indexes = [
            models.Index(fields=["detained_on", "id"], name="seizure_detained_on_id"),
            models.Index(fields=["legal_route"]),
        ]
        permissions = [
            ("hold_seizure", "Can place and lift a legal hold"),
            ("import_seizures", "Can import seizures from a CSV file"),
            ("amend_seizure", "Can amend the legal facts of a case after its goods left storage"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def on_court_route(self) -> bool:
        return on_court_route(self.legal_route, declarant_objected=self.declarant_objected)


# A lot on hold only returns to storage when the hold is lifted: the legal hold blocks every
# disposal, release included (release_lot refuses while the seizure is held).
LOT_TRANSITIONS: dict[LotStatus, frozenset[LotStatus]] = {
    LotStatus.IN_STORAGE: frozenset(
        {LotStatus.ON_HOLD, LotStatus.ALLOCATED, LotStatus.RELEASED, LotStatus.LOST}
    ),
    # A lot missing at a stocktake is declared lost by an administrator (X-CC-06).
    LotStatus.ON_HOLD: frozenset({LotStatus.IN_STORAGE, LotStatus.LOST}),
    LotStatus.ALLOCATED: frozenset({LotStatus.IN_STORAGE, LotStatus.IN_TRANSIT}),
    LotStatus.IN_TRANSIT: frozenset({LotStatus.DESTROYED, LotStatus.IN_STORAGE}),
    LotStatus.DESTROYED: frozenset(),
    LotStatus.RELEASED: frozenset(),
    LotStatus.LOST: frozenset(),
}


# The intake classification flags of a lot, in display order: every way of creating a lot
# accepts them and a sample inherits them.
INTAKE_FLAGS = ("controlled_substances", "cytotoxic", "contains_asbestos", "high_risk")
# What a lot is, as classified at intake and corrected later by a reclassification: the storage
# rules, the placement hook and the destruction rules turn on these.
CLASSIFICATION_FIELDS = (
    "waste_class",
    "hazard_classes",
    "ewc_code",
    "hp_properties",
    *INTAKE_FLAGS,
)
# The lot's physical condition (X-CC-04, BAT-S2): recorded at intake and whenever it is found
# later (services.record_lot_condition), not a classification, so a sample does not inherit it.
CONDITION_FLAGS = ("damaged",)
# Every flag a new lot is created with (forms, CSV, API).
LOT_INTAKE_FLAGS = (*INTAKE_FLAGS, *CONDITION_FLAGS)


class Lot(models.Model):
    """A goods line of a seizure; a sample taken from a lot is a child lot with its own chain."""

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="lots")
    # The seizure's office, copied when the lot is created (a case's office never changes): the
    # office scoping (seizures.scoping) filters a million lots without joining their seizures.
    office = models.ForeignKey(
        CustomsOffice, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reference = models.CharField(max_length=50, unique=True, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="samples"
    )
    sample_purpose = models.CharField(max_length=20, choices=SamplePurpose.choices, blank=True)
    sample_holder = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=4, choices=ProductCategory.choices)
    waste_class = models.CharField(max_length=4, choices=WasteClass.choices)
    description = models.CharField(max_length=300)
    brand = models.CharField(max_length=120, blank=True)
    seized_articles = models.PositiveIntegerField(
        editable=False, help_text="Articles when the lot was created (reconciliation baseline)."
    )
    articles = models.PositiveIntegerField(help_text="Articles now in the lot.")
    gross_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    # The other units a certificate states (issue 15): the goods without packaging, and liquids
    # by volume (COS-C1, ALC). Blank where not measured.
    net_weight_kg = models.DecimalField(
        "net weight (kg)",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Weight of the goods without packaging.",
    )
    volume_l = models.DecimalField(
        "volume (l)",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Liquid volume in litres (liquids only).",
    )
    retail_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="EUR")
    hazard_classes = models.JSONField(default=list, blank=True)
    # What the goods are as waste (List of Waste, seizures.waste_codes): defaulted from the
    # category, waste class and hazards; a user who chooses another code records why.
    ewc_code = models.CharField(
        "EWC code",
        max_length=10,
        help_text="European List of Waste code, e.g. 16 03 05* (the asterisk marks hazardous).",
    )
    ewc_reason = models.TextField(
        "EWC code reason", blank=True, help_text="Why the code differs from the default."
    )
    hp_properties = models.JSONField(
        "hazardous properties",
        default=list,
        blank=True,
        help_text="Hazardous properties HP1-HP15 (WFD Annex III) found in the goods.",
    )
    # Intake classification (digest PHA-S2, AUT-S2, table B18): what the destruction rules turn
    # on and the category alone cannot tell (not every medicine is a controlled drug).
    controlled_substances = models.BooleanField(
        default=False,
        help_text="Holds controlled drugs (narcotics, psychotropics), sorted at intake (PHA-S2); "
        "two witnesses at destruction (X-WE-02).",
    )
    cytotoxic = models.BooleanField(
        default=False,
        help_text="Holds antineoplastic/cytotoxic medicines (PHA-S2); high-temperature "
        "incineration required (PHA-M1).",
    )
    contains_asbestos = models.BooleanField(
        default=False,
        help_text="Suspected or confirmed asbestos, e.g. brake pads (AUT-S2); hazardous landfill "
        "only (AUT-M3).",
    )
    high_risk = models.BooleanField(
        default=False,
        help_text="Flagged high-risk at intake; two independent witnesses at destruction "
        "(X-WE-02).",
    )
    damaged = models.BooleanField(
        default=False,
        help_text="Damaged, swollen or leaking items: they belong in the quarantine zone "
        "(X-CC-04, BAT-S2).",
    )
    status = models.CharField(
        max_length=20, choices=LotStatus.choices, default=LotStatus.IN_STORAGE
    )
    location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="lots"
    )
    stored_since = models.DateTimeField(null=True, blank=True)
    # The head of the custody chain (last sequence and its hash), written in the transaction that
    # appends each event: verify_custody compares it with the events, so a chain whose newest
    # events were deleted - or all of them - shows as broken.
    custody_length = models.PositiveIntegerField(default=0, editable=False)
    custody_head = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross_weight_kg__gte=0), name="lot_weight_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(articles__lte=models.F("seized_articles")),
                name="lot_articles_within_seized",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LotStatus.values), name="lot_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["category"]),
            models.Index(fields=["waste_class"]),
            models.Index(fields=["ewc_code"]),
            models.Index(fields=["office", "reference"]),
            # Occupancy of a location (lots, kg, oldest) read from the index alone: only the
            # lots occupying a location, a fraction of all lots ever seized.
            models.Index(
                fields=["location", "stored_since", "gross_weight_kg"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="lot_occupying_location",
            ),
            # The ageing list (oldest stored first) reads its page from this index.
            models.Index(
                fields=["stored_since", "reference"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="lot_occupying_stored_since",
            ),
            # The planner's page (office, then reference) and its count walk the lots in storage
            # only; the dashboard counts the unplaced ones from a tiny index of their own.
            models.Index(
                fields=["office", "reference"],
                condition=Q(status=LotStatus.IN_STORAGE),
                name="lot_in_storage_office",
            ),
            models.Index(
                fields=["office", "reference"],
                condition=Q(status=LotStatus.IN_STORAGE, location__isnull=True),
                name="lot_unplaced_office",
            ),
            # Occupying lots by seizure: the dashboard's "past deadline" and "ready to plan"
            # join them to their seizures without reading the lots destroyed long ago.
            models.Index(
                fields=["seizure", "status"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="lot_occupying_seizure",
            ),
        ]
        permissions = [
            ("move_lot", "Can place and move lots"),
            ("sample_lot", "Can take samples from lots"),
            ("release_lot", "Can release lots"),
            ("print_labels", "Can print labels"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.office_id is None and self.seizure_id is not None:
            self.office_id = self.seizure.office_id
        super().save(*args, **kwargs)

    @property
    def is_sample(self) -> bool:
        return self.parent_id is not None

    @property
    def days_in_storage(self) -> int | None:
        if self.stored_since is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.stored_since)).days

    @property
    def past_deadline(self) -> bool:
        """Still in the warehouse after the seizure's statutory deadline."""
        deadline = self.seizure.deadline
        return (
            self.status in OCCUPYING_STATUSES
            and deadline is not None
            and deadline < timezone.localdate()
        )

    def intake_flag_labels(self) -> list[str]:
        """The labels of the intake classification flags set on this lot (shown as badges)."""
        return [
            str(self._meta.get_field(name).verbose_name).capitalize()
            for name in INTAKE_FLAGS
            if getattr(self, name)
        ]

    @property
    def waste_code(self) -> WasteCode | None:
        """The List of Waste entry of the lot's code (description, chapter, hazardous)."""
        return lookup(self.ewc_code)

    def default_ewc_code(self) -> str:
        """The code the lot's classification gives by default (seizures.waste_codes)."""
        return default_code(
            category=self.category,
            waste_class=self.waste_class,
            hazard_classes=self.hazard_classes or (),
            cytotoxic=self.cytotoxic,
            contains_asbestos=self.contains_asbestos,
        )

    @property
    def hazardous_waste(self) -> bool:
        """Hazardous as waste: by its code's asterisk or a recorded HP property (WFD Annex III),
        not by its UN transport classes."""
        return is_hazardous_waste(self.ewc_code, self.hp_properties or ())

    def hazard_label(self) -> str:
        names = dict(HazardClass.choices)
        return ", ".join(names.get(code, code) for code in self.hazard_classes) or "none"
