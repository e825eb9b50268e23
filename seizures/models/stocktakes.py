"""Stocktakes (digest X-CC-06): a count of a warehouse or zone, the locations it covers and a
line per lot expected or found, with how each discrepancy was resolved. The pages, services and
API are in seizures/stocktakes/."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When

from seizures.models.inventory import Lot, StorageLocation, Warehouse
from seizures.scoping import ScopedQuerySet


class StocktakeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


STOCKTAKE_TRANSITIONS: dict[StocktakeStatus, frozenset[StocktakeStatus]] = {
    StocktakeStatus.OPEN: frozenset({StocktakeStatus.CLOSED, StocktakeStatus.CANCELLED}),
    StocktakeStatus.CLOSED: frozenset(),
    StocktakeStatus.CANCELLED: frozenset(),
}


class Discrepancy(models.TextChoices):
    """What a count line shows when found differs from expected."""

    MISSING = "missing", "Missing"
    EXTRA = "extra", "Extra"
    MISPLACED = "misplaced", "Wrong location"


class Resolution(models.TextChoices):
    MOVED = "moved", "Moved: the records follow the goods"
    FOUND_ELSEWHERE = "found_elsewhere", "Found elsewhere"
    LOST = "lost", "Lost"


# Which reasons settle which discrepancy: a missing lot is found elsewhere or lost; a lot found
# where the records do not have it (extra, wrong location) was moved without a scan.
RESOLUTIONS: dict[Discrepancy, tuple[Resolution, ...]] = {
    Discrepancy.MISSING: (Resolution.FOUND_ELSEWHERE, Resolution.LOST),
    Discrepancy.EXTRA: (Resolution.MOVED,),
    Discrepancy.MISPLACED: (Resolution.MOVED,),
}


class StocktakeQuerySet(ScopedQuerySet):
    office_lookup = "warehouse__office"

    def for_list(self) -> "StocktakeQuerySet":
        return self.select_related("warehouse", "zone", "opened_by", "closed_by")


class Stocktake(models.Model):
    """One count of a warehouse, or of a zone and the locations inside it. The result columns are
    written when it closes."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocktakes")
    zone = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stocktakes",
        help_text="Count only this location and those inside it; empty: the whole warehouse.",
    )
    status = models.CharField(
        max_length=10, choices=StocktakeStatus.choices, default=StocktakeStatus.OPEN
    )
    note = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    expected_lots = models.PositiveIntegerField(default=0)
    found_lots = models.PositiveIntegerField(default=0)
    missing_lots = models.PositiveIntegerField(default=0)
    extra_lots = models.PositiveIntegerField(default=0)
    misplaced_lots = models.PositiveIntegerField(default=0)
    lost_lots = models.PositiveIntegerField(default=0)
    counted_locations = models.PositiveIntegerField(default=0)
    uncounted_locations = models.PositiveIntegerField(default=0)

    objects = StocktakeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StocktakeStatus.values), name="stocktake_status_valid"
            )
        ]
        permissions = [
            ("manage_stocktake", "Can open, close and cancel stocktakes"),
            ("count_stock", "Can scan and reconcile stocktakes"),
            ("declare_lot_lost", "Can declare a lot lost at a stocktake"),
        ]

    def __str__(self) -> str:
        return f"Stocktake {self.pk} {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.zone.code if self.zone_id else self.warehouse.code

    @property
    def is_open(self) -> bool:
        return self.status == StocktakeStatus.OPEN


class StocktakeLocation(models.Model):
    """A location in the count's scope, and when it was counted (its label scanned)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="locations")
    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["location__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "location"], name="stocktake_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id}:{self.location_id}"


class StocktakeLineQuerySet(models.QuerySet):
    def with_discrepancy(self) -> "StocktakeLineQuerySet":
        """`discrepancy`: missing (expected, not found), extra (found, not expected in the
        scope), misplaced (found at another location than expected), or null when matched."""
        return self.annotate(
            discrepancy=Case(
                When(expected=False, then=Value(Discrepancy.EXTRA)),
                When(found_location__isnull=True, then=Value(Discrepancy.MISSING)),
                When(
                    ~Q(found_location=models.F("expected_location")),
                    then=Value(Discrepancy.MISPLACED),
                ),
                default=Value(None),
                output_field=models.CharField(),
            )
        )

    def discrepancies(self) -> "StocktakeLineQuerySet":
        return self.with_discrepancy().filter(discrepancy__isnull=False)

    def for_list(self) -> "StocktakeLineQuerySet":
        return self.select_related(
            "lot", "expected_location", "found_location", "resolved_location"
        )


class StocktakeLine(models.Model):
    """One lot of a count: expected (in the scope when the count opened) or found there by a
    scan, or both; and how its discrepancy was resolved."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="stocktake_lines")
    expected = models.BooleanField(help_text="The records had the lot in the scope at opening.")
    expected_location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    finding = models.JSONField(
        default=dict, blank=True, help_text="The finding raised when the lot was declared lost."
    )

    objects = StocktakeLineQuerySet.as_manager()

    class Meta:
        ordering = ["lot__reference"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "lot"], name="stocktake_line_unique"),
            models.CheckConstraint(
                condition=Q(expected=True) | Q(found_location__isnull=False),
                name="stocktake_line_expected_or_found",
            ),
        ]
        indexes = [models.Index(fields=["stocktake", "resolution"])]

    def __str__(self) -> str:
        return f"{self.stocktake_id}:{self.lot_id}"
