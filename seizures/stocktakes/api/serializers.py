"""Input and output serializers of the stocktake API."""

from rest_framework import serializers

from seizures.models import Lot, StorageLocation, Warehouse
from seizures.models.stocktakes import Resolution, Stocktake, StocktakeLine
from seizures.stocktakes.services import MAX_NOTE, MAX_SCANNED_LOTS


class StocktakeSerializer(serializers.ModelSerializer):
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    opened_by = serializers.CharField(source="opened_by.get_username", read_only=True)
    closed_by = serializers.CharField(source="closed_by.get_username", read_only=True, default=None)

    class Meta:
        model = Stocktake
        fields = [
            "id",
            "warehouse",
            "zone",
            "status",
            "note",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
            "expected_lots",
            "found_lots",
            "missing_lots",
            "extra_lots",
            "misplaced_lots",
            "lost_lots",
            "counted_locations",
            "uncounted_locations",
        ]
        read_only_fields = fields


class StocktakeLineSerializer(serializers.ModelSerializer):
    lot = serializers.CharField(source="lot.reference", read_only=True)
    expected_location = serializers.CharField(
        source="expected_location.code", read_only=True, default=None
    )
    found_location = serializers.CharField(
        source="found_location.code", read_only=True, default=None
    )
    resolved_location = serializers.CharField(
        source="resolved_location.code", read_only=True, default=None
    )
    discrepancy = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = StocktakeLine
        fields = [
            "lot",
            "expected",
            "expected_location",
            "found_location",
            "found_at",
            "discrepancy",
            "resolution",
            "resolution_note",
            "resolved_location",
            "resolved_at",
            "finding",
        ]
        read_only_fields = fields


class OpenStocktakeSerializer(serializers.Serializer):
    warehouse = serializers.SlugRelatedField(slug_field="code", queryset=Warehouse.objects.all())
    zone = serializers.SlugRelatedField(
        slug_field="code",
        queryset=StorageLocation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the zone to count; omit for the whole warehouse.",
    )
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True)


class StocktakeScanSerializer(serializers.Serializer):
    location = serializers.SlugRelatedField(
        slug_field="code", queryset=StorageLocation.objects.all(), help_text="Label scanned."
    )
    lots = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        default=list,
        max_length=MAX_SCANNED_LOTS,
        help_text="References of the lots found there; empty: the location was counted empty.",
    )


class ResolveDiscrepancySerializer(serializers.Serializer):
    lot = serializers.SlugRelatedField(slug_field="reference", queryset=Lot.objects.all())
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    note = serializers.CharField(max_length=MAX_NOTE)
    location = serializers.SlugRelatedField(
        slug_field="code",
        queryset=StorageLocation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Where a missing lot was found (found_elsewhere).",
    )


class CancelStocktakeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_NOTE)
