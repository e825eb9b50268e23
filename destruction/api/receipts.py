"""Serializers of the facility's receipt of an order (POST .../destruction-orders/{id}/receipt/)
and its resolution and countersignature."""

from rest_framework import serializers

from destruction.models import Receipt, ReceiptDiscrepancy
from destruction.services import MAX_TICKET, ReceiptDiscrepancyInput
from destruction.services.receipts import MAX_DISCREPANCIES, MAX_NOTE


class ReceiptDiscrepancySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReceiptDiscrepancy.choices)
    lot = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=MAX_NOTE)


class LotWeightSerializer(serializers.Serializer):
    lot = serializers.CharField(max_length=50, help_text="Lot reference.")
    weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)


class ReceiptInputSerializer(serializers.Serializer):
    """The receipt at the gate: the weight in total (`total_weight_kg`) or per lot
    (`lot_weights`), not both."""

    gate_at = serializers.DateTimeField()
    weighbridge_ticket = serializers.CharField(max_length=MAX_TICKET)
    total_weight_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=0, required=False, allow_null=True
    )
    lot_weights = LotWeightSerializer(many=True, required=False, default=list)
    seals_intact = serializers.BooleanField()
    broken_seals = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, default=list, max_length=50
    )
    discrepancies = ReceiptDiscrepancySerializer(
        many=True, required=False, default=list, max_length=MAX_DISCREPANCIES
    )
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True)

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        weights = data.pop("lot_weights")
        data["lot_weights"] = {row["lot"]: row["weight_kg"] for row in weights}
        if len(data["lot_weights"]) != len(weights):
            raise serializers.ValidationError({"lot_weights": ["Each lot once."]})
        data["discrepancies"] = [
            ReceiptDiscrepancyInput(kind=d["kind"], note=d["note"], lot_reference=d["lot"])
            for d in data["discrepancies"]
        ]
        return data


class ReceiptLineSerializer(serializers.Serializer):
    lot = serializers.CharField(source="lot.reference")
    weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3)


class ReceiptSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.reference")
    received_by = serializers.CharField(source="received_by.get_username")
    resolved_by = serializers.CharField(
        source="resolved_by.get_username", default=None, allow_null=True
    )
    lines = ReceiptLineSerializer(many=True)
    blocks_certificate = serializers.BooleanField()

    class Meta:
        model = Receipt
        fields = [
            "order",
            "gate_at",
            "weighbridge_ticket",
            "total_weight_kg",
            "weighed_per_lot",
            "lines",
            "seals_intact",
            "broken_seals",
            "discrepancies",
            "note",
            "received_by",
            "received_at",
            "findings",
            "blocking",
            "blocks_certificate",
            "resolved_by",
            "resolved_at",
            "resolution_reason",
        ]
        read_only_fields = fields


class ResolveReceiptSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_NOTE)
