"""Serializers of the statement endpoints."""

from rest_framework import serializers

from destruction.costs.models import CostEntry, Payment, Statement
from seizures.api.serializers import VisibleRelatedField, VisibleSlugRelatedField
from seizures.models import RightHolder, Seizure


class CostEntrySerializer(serializers.ModelSerializer):
    lot = serializers.CharField(source="lot.reference")
    seizure = serializers.CharField(source="lot.seizure.reference")

    class Meta:
        model = CostEntry
        fields = [
            "seizure",
            "lot",
            "kind",
            "quantity",
            "unit",
            "rule",
            "incurred_on",
            "amount",
            "currency",
            "payer",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "reference", "recorded_at"]


class StatementSerializer(serializers.ModelSerializer):
    right_holder = serializers.CharField(source="right_holder.name")
    seizure = serializers.CharField(source="seizure.reference", allow_null=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Statement
        fields = [
            "id",
            "number",
            "right_holder",
            "seizure",
            "period_from",
            "period_to",
            "issued_at",
            "due_on",
            "currency",
            "total",
            "paid_amount",
            "outstanding",
            "status",
            "overdue",
        ]


class StatementDetailSerializer(StatementSerializer):
    lines = CostEntrySerializer(many=True, source="sorted_lines")
    payments = PaymentSerializer(many=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines", "payments"]


class IssueStatementInput(serializers.Serializer):
    right_holder = VisibleRelatedField(queryset=RightHolder.objects.all())
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    seizure = VisibleSlugRelatedField(
        slug_field="reference",
        queryset=Seizure.objects.all(),
        required=False,
        allow_null=True,
        help_text="Only this seizure's costs (its reference).",
    )


class PaymentInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
