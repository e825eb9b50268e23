"""Input serializers (plain Serializers: HTTP -> service arguments) and output serializers of the
facility and destruction-order endpoints."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from destruction import services
from destruction.approval import latest_submit_check, needs_justification, warnings_of
from destruction.methods import OPERATION_CODES
from destruction.models import (
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    Facility,
    FacilityPermit,
    OrderLine,
    OrderStatus,
    OutputFraction,
    Witness,
)
from destruction.record_check import record_check
from project.compliance import Verdict
from project.users import display_name
from seizures.api.serializers import WasteCodeField
from seizures.models import Lot

MAX_LINES = 500
# The verdicts with compliance.models.Verdict's labels, so the schema has one VerdictEnum.
VERDICT_CHOICES = (
    (Verdict.COMPLIANT.value, "Compliant"),
    (Verdict.NEEDS_REVIEW.value, "Needs review"),
    (Verdict.NON_COMPLIANT.value, "Non-compliant"),
)


# --- facilities ----------------------------------------------------------------------------


class FacilityPermitSerializer(serializers.ModelSerializer):
    operations = serializers.ListField(
        child=serializers.ChoiceField(choices=OPERATION_CODES), allow_empty=False
    )
    waste_codes = serializers.ListField(
        child=WasteCodeField(),
        required=False,
        default=list,
        help_text="EU List of Waste codes the permit accepts (WFD Art. 23); any spelling.",
    )

    class Meta:
        model = FacilityPermit
        fields = (
            "number",
            "authority",
            "valid_from",
            "valid_until",
            "operations",
            "waste_codes",
            "hazardous_allowed",
            "mixing_permitted",
        )
        # Uniqueness per facility is the service's business (permits are replaced as a list).
        validators: list = []


class FacilitySerializer(serializers.ModelSerializer):
    permits = FacilityPermitSerializer(many=True, read_only=True)
    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Facility.Certification.choices), read_only=True
    )
    order_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Facility
        fields = ("id", *services.FACILITY_FIELDS, "permits", "order_count")
        read_only_fields = fields


class FacilityInputSerializer(serializers.ModelSerializer):
    """Create or change a facility; `permits`, when given, replaces its permit list."""

    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Facility.Certification.choices), required=False
    )
    permits = FacilityPermitSerializer(many=True, required=False)

    class Meta:
        model = Facility
        fields = (
            "name",
            "operator",
            "address",
            "country",
            "certifications",
            "max_incineration_temperature_c",
            "active",
            "permits",
        )

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        if "permits" in data:
            data["permits"] = [services.PermitInput(**permit) for permit in data["permits"]]
        return data


# --- orders: outputs -----------------------------------------------------------------------


class DestructionOrderSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code")
    facility_name = serializers.CharField(source="facility.name")
    prepared_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    lot_count = serializers.IntegerField()
    planned_weight_kg = serializers.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        model = DestructionOrder
        fields = (
            "id",
            "reference",
            "status",
            "office",
            "facility",
            "facility_name",
            "planned_date",
            "lot_count",
            "planned_weight_kg",
            "dispatch_weight_kg",
            "cost_estimate",
            "cost_currency",
            "payer",
            "prepared_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "dispatched_at",
            "cancelled_at",
            "created_at",
        )
        read_only_fields = fields

    def get_prepared_by(self, order) -> str:
        return display_name(order.prepared_by) or None

    def get_submitted_by(self, order) -> str | None:
        return display_name(order.submitted_by) or None

    def get_approved_by(self, order) -> str | None:
        return display_name(order.approved_by) or None


class OrderLineSerializer(serializers.ModelSerializer):
    lot_reference = serializers.CharField(source="lot.reference")
    seizure_reference = serializers.CharField(source="lot.seizure.reference")
    description = serializers.CharField(source="lot.description")
    waste_class = serializers.CharField(source="lot.waste_class")
    articles = serializers.IntegerField(source="lot.articles")
    gross_weight_kg = serializers.DecimalField(
        source="lot.gross_weight_kg", max_digits=12, decimal_places=3
    )
    lot_status = serializers.CharField(source="lot.status")

    class Meta:
        model = OrderLine
        fields = (
            "lot",
            "lot_reference",
            "seizure_reference",
            "description",
            "waste_class",
            "articles",
            "gross_weight_kg",
            "lot_status",
            "method",
            "actual_method",
            "legal_basis",
            "justification",
            *services.LINE_REFERENCES,
            "dispatch_weight_kg",
        )
        read_only_fields = fields


class OutputFractionSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutputFraction
        fields = (
            "route",
            "weight_kg",
            "destination",
            "operation_code",
            "ewc_code",
            "destination_permit",
            "shipment_reference",
        )
        read_only_fields = fields


class WitnessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Witness
        fields = ("name", "organisation", "role")
        read_only_fields = fields


class EvidenceFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Permission-checked download path.")

    class Meta:
        model = EvidenceFile
        fields = (
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        )
        read_only_fields = fields

    def get_download(self, evidence) -> str:
        return f"/api/v1/destruction-orders/{evidence.record.order_id}/evidence/{evidence.pk}/"


class DestructionRecordSerializer(serializers.ModelSerializer):
    outputs = OutputFractionSerializer(many=True)
    witnesses = WitnessSerializer(many=True)
    evidence = EvidenceFileSerializer(many=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = DestructionRecord
        fields = (
            "started_at",
            "ended_at",
            "temperature_c",
            "residence_time_s",
            "halogenated_over_1pct",
            "particle_size_mm",
            "liquid_volume_l",
            "decomposition_state",
            "debranded",
            "batteries_removed",
            "aerosols_degassed",
            "denatured",
            "pyrotechnics_neutralised",
            "gate_weight_kg",
            "weighbridge_ticket",
            "customs_officer_present",
            "officer_absence_reason",
            "mass_balance_deviation",
            "deviation_justification",
            "outputs",
            "witnesses",
            "evidence",
            "recorded_by",
            "recorded_at",
        )
        read_only_fields = fields

    def get_recorded_by(self, record) -> str:
        return display_name(record.recorded_by) or None


class RecordFindingSerializer(serializers.Serializer):
    """A finding as stored in a compliance check."""

    rule = serializers.CharField(help_text="Rule id, e.g. X-WE-04.")
    severity = serializers.ChoiceField(choices=("blocking", "warning", "info"))
    message = serializers.CharField(help_text="What the rule asks, in plain language.")
    detail = serializers.CharField(help_text="Why it fired.")
    source = serializers.CharField()
    mark = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Facts the rule needs that are not recorded."
    )
    lot = serializers.CharField(required=False, help_text="Reference of the lot concerned.")


class RecordCheckSerializer(serializers.Serializer):
    """The latest compliance check of the record; it runs when the destruction is recorded and
    again whenever evidence is added. A blocking finding stops the certificate until fixed."""

    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES)
    rulebook_version = serializers.CharField()
    checked_at = serializers.DateTimeField()
    findings = RecordFindingSerializer(many=True)
    next_steps = serializers.ListField(
        child=serializers.CharField(),
        help_text="What to add or resolve for each blocking finding; empty when nothing blocks.",
    )


class WarningToAcknowledgeSerializer(serializers.Serializer):
    rule = serializers.CharField()
    lot = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    justification_required = serializers.BooleanField(
        help_text="The acknowledgement must give a justification (X-MF-02)."
    )


class SubmitCheckSerializer(serializers.Serializer):
    """The latest compliance check of the submission: the approver sees every finding and
    acknowledges each warning in the approval (`acknowledgements` of POST .../approve/)."""

    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES)
    rulebook_version = serializers.CharField()
    checked_at = serializers.DateTimeField()
    findings = RecordFindingSerializer(many=True)
    to_acknowledge = WarningToAcknowledgeSerializer(many=True)


class ApprovalAcknowledgementSerializer(serializers.Serializer):
    rule = serializers.CharField()
    lot = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    justification = serializers.CharField(allow_blank=True)


class DestructionOrderDetailSerializer(DestructionOrderSerializer):
    lines = OrderLineSerializer(source="active_lines", many=True)
    record = DestructionRecordSerializer(read_only=True, allow_null=True)
    record_check = serializers.SerializerMethodField(
        help_text="The latest record check (null before the destruction is recorded)."
    )
    dispatched_by = serializers.SerializerMethodField()
    cancelled_by = serializers.SerializerMethodField()
    returned_by = serializers.SerializerMethodField()
    submit_check = serializers.SerializerMethodField(
        help_text="The latest submit check (null before submission or without the rulebook)."
    )
    approval_acknowledgements = ApprovalAcknowledgementSerializer(
        many=True, help_text="The warnings the approver acknowledged, as approved."
    )

    class Meta(DestructionOrderSerializer.Meta):
        fields = (
            *DestructionOrderSerializer.Meta.fields,
            "carrier_name",
            "carrier_registration",
            "vehicle",
            "seal_numbers",
            "consignment_note_number",
            "planned_witnesses",
            "notes",
            "dispatched_by",
            "cancelled_by",
            "cancellation_reason",
            "returned_by",
            "returned_at",
            "return_reason",
            "lines",
            "submit_check",
            "approval_acknowledgements",
            "record",
            "record_check",
        )
        read_only_fields = fields

    @extend_schema_field(SubmitCheckSerializer(allow_null=True))
    def get_submit_check(self, order) -> dict | None:
        check = latest_submit_check(order)
        if check is None:
            return None
        return SubmitCheckSerializer(
            {
                "verdict": check.verdict,
                "rulebook_version": check.rulebook_version,
                "checked_at": check.checked_at,
                "findings": check.findings,
                "to_acknowledge": [
                    {
                        "rule": warning.get("rule", ""),
                        "lot": warning.get("lot", ""),
                        "message": warning.get("message", ""),
                        "justification_required": needs_justification(warning.get("rule", "")),
                    }
                    for warning in warnings_of(check)
                ],
            }
        ).data

    def get_returned_by(self, order) -> str | None:
        return display_name(order.returned_by) or None

    @extend_schema_field(RecordCheckSerializer(allow_null=True))
    def get_record_check(self, order) -> dict | None:
        if order.status not in (OrderStatus.EXECUTED, OrderStatus.CERTIFIED):
            return None
        check = record_check(order)
        return RecordCheckSerializer(check).data if check else None

    def get_dispatched_by(self, order) -> str | None:
        return display_name(order.dispatched_by) or None

    def get_cancelled_by(self, order) -> str | None:
        return display_name(order.cancelled_by) or None


class EligibleLotSerializer(serializers.ModelSerializer):
    seizure_reference = serializers.CharField(source="seizure.reference")
    office = serializers.CharField(source="seizure.office.code")
    legal_route = serializers.CharField(source="seizure.legal_route")
    right_holder = serializers.CharField(source="seizure.right_holder.name", default=None)
    location_code = serializers.CharField(source="location.code", default=None)
    hazard_classes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Lot
        fields = (
            "id",
            "reference",
            "seizure_reference",
            "office",
            "legal_route",
            "right_holder",
            "category",
            "waste_class",
            "description",
            "articles",
            "gross_weight_kg",
            "hazard_classes",
            "location_code",
        )
        read_only_fields = fields
