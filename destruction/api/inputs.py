"""Input serializers of the order endpoints (plain Serializers: HTTP -> service arguments), with
the proposals the planner answers."""

from rest_framework import serializers

from destruction import services
from destruction.methods import OPERATION_CODES, Method
from destruction.models import (
    DecompositionState,
    EvidenceFile,
    Facility,
    OutputRoute,
    Payer,
    Witness,
)
from project.api import json_object_part
from project.compliance import Verdict
from seizures.api.serializers import VisibleRelatedField, WasteCodeField
from seizures.models import Lot

MAX_LINES = 500
# The verdicts with compliance.models.Verdict's labels, so the schema has one VerdictEnum.
VERDICT_CHOICES = (
    (Verdict.COMPLIANT.value, "Compliant"),
    (Verdict.NEEDS_REVIEW.value, "Needs review"),
    (Verdict.NON_COMPLIANT.value, "Non-compliant"),
)


# --- orders: inputs ------------------------------------------------------------------------

CONSENT_PAPER = "the right holder's written consent to a non-destructive route (X-RH-02)"
DECISION_PAPER = (
    "the customs decision setting the conditions of a non-destructive route (Art. 25(1)(a))"
)
LAB_PAPER = "the lab report identifying the active substances of chemicals (CHE-S3)"
EXCISE_PAPER = "the notice informing the excise authority of the alcohol's duty status (ALC-C1)"


def reference_field(paper: str, **options) -> serializers.CharField:
    """An order line's reference of a paper (a document or decision number)."""
    return serializers.CharField(
        max_length=services.MAX_REFERENCE,
        required=False,
        allow_blank=True,
        help_text=f"Reference of {paper}; blank: none recorded.",
        **options,
    )


class LineInputSerializer(serializers.Serializer):
    lot = VisibleRelatedField(queryset=Lot.objects.all())
    method = serializers.ChoiceField(choices=Method.choices)
    justification = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Why a lower waste-hierarchy method than possible (X-MF-02).",
    )
    right_holder_consent_reference = reference_field(CONSENT_PAPER, default="")
    customs_decision_reference = reference_field(DECISION_PAPER, default="")
    lab_analysis_reference = reference_field(LAB_PAPER, default="")
    excise_notification_reference = reference_field(EXCISE_PAPER, default="")


class LineReferencesSerializer(serializers.Serializer):
    """The references of one line of a draft order; a field left out stays as it is, a blank
    one is cleared."""

    lot = VisibleRelatedField(queryset=Lot.objects.all())
    right_holder_consent_reference = reference_field(CONSENT_PAPER)
    customs_decision_reference = reference_field(DECISION_PAPER)
    lab_analysis_reference = reference_field(LAB_PAPER)
    excise_notification_reference = reference_field(EXCISE_PAPER)


class LineChangeSerializer(serializers.Serializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all())
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    justification = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Why a lower waste-hierarchy method than possible (X-MF-02).",
    )


class PlannedWitnessSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Witness.Role.choices)


class OrderCreateSerializer(serializers.Serializer):
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    planned_date = serializers.DateField()
    cost_estimate = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    cost_currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    payer = serializers.ChoiceField(
        choices=Payer.choices,
        required=False,
        help_text="Default: the right holder; the administration for goods without one.",
    )
    carrier_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    carrier_registration = serializers.CharField(max_length=80, required=False, allow_blank=True)
    vehicle = serializers.CharField(max_length=80, required=False, allow_blank=True)
    seal_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )
    consignment_note_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    planned_witnesses = PlannedWitnessSerializer(many=True, required=False, max_length=20)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data["lines"] = [services.LineInput(**line) for line in data["lines"]]
        return data


class OrderAddLotsSerializer(serializers.Serializer):
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)

    def to_service_arguments(self) -> dict:
        return {"lines": [services.LineInput(**line) for line in self.validated_data["lines"]]}


class OrderRemoveLotsSerializer(serializers.Serializer):
    lots = VisibleRelatedField(queryset=Lot.objects.all(), many=True, allow_empty=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LineWeightSerializer(serializers.Serializer):
    lot = VisibleRelatedField(queryset=Lot.objects.all())
    weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)


class DispatchSerializer(serializers.Serializer):
    total_weight_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=0, required=False
    )
    line_weights = LineWeightSerializer(many=True, required=False, max_length=MAX_LINES)
    seal_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=50,
        help_text="Replaces the planned seal numbers when given.",
    )
    vehicle = serializers.CharField(max_length=80, required=False, allow_blank=True)

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        if "line_weights" in data:
            data["line_weights"] = {row["lot"].pk: row["weight_kg"] for row in data["line_weights"]}
        return data


class OutputInputSerializer(serializers.Serializer):
    route = serializers.ChoiceField(choices=OutputRoute.choices)
    weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    destination = serializers.CharField(
        max_length=services.MAX_DESTINATION,
        required=False,
        default="",
        allow_blank=True,
        help_text="Recycler or plant; required for a fraction of more than 0 kg (X-MF-07).",
    )
    operation_code = serializers.ChoiceField(
        choices=OPERATION_CODES,
        required=False,
        default="",
        allow_blank=True,
        help_text="Recovery or disposal operation at the destination (WFD Annexes I and II).",
    )
    ewc_code = WasteCodeField(
        required=False,
        default="",
        allow_blank=True,
        help_text="The fraction's code in the EU List of Waste (e.g. 19 12 08).",
    )
    destination_permit = serializers.CharField(
        max_length=services.MAX_OUTPUT_REFERENCE,
        required=False,
        default="",
        allow_blank=True,
        help_text="Permit number of the receiving facility.",
    )
    shipment_reference = serializers.CharField(
        max_length=services.MAX_OUTPUT_REFERENCE,
        required=False,
        default="",
        allow_blank=True,
        help_text="Consignment note or waste shipment document carrying the fraction.",
    )


class WitnessInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Witness.Role.choices)


class ActualMethodSerializer(serializers.Serializer):
    lot = VisibleRelatedField(queryset=Lot.objects.all())
    method = serializers.ChoiceField(choices=Method.choices)


class RecordSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    gate_weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    weighbridge_ticket = serializers.CharField(
        max_length=services.MAX_TICKET,
        help_text="Number of the weighbridge ticket of the gate weight (X-QM-02).",
        error_messages={
            "required": services.MISSING_TICKET,
            "blank": services.MISSING_TICKET,
        },
    )
    actual_methods = ActualMethodSerializer(
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="Only lots treated otherwise than planned.",
    )
    temperature_c = serializers.IntegerField(min_value=0, max_value=3000, required=False)
    residence_time_s = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False
    )
    halogenated_over_1pct = serializers.BooleanField(required=False, allow_null=True, default=None)
    particle_size_mm = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False
    )
    liquid_volume_l = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=0,
        required=False,
        help_text="Liquids destroyed, in litres (COS-C1).",
    )
    decomposition_state = serializers.ChoiceField(
        choices=DecompositionState.choices,
        required=False,
        default="",
        help_text="State of food goods when destroyed (FOOD-C1).",
    )
    debranded = serializers.BooleanField(required=False, default=False)
    batteries_removed = serializers.BooleanField(required=False, default=False)
    aerosols_degassed = serializers.BooleanField(required=False, default=False)
    denatured = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Spirits or tobacco rendered undrinkable or unsmokeable before recovery "
        "(ALC-M2, TOB-M2).",
    )
    pyrotechnics_neutralised = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Air-bag inflators or pretensioners deployed or neutralised (AUT-M2).",
    )
    customs_officer_present = serializers.BooleanField(required=False, default=True)
    officer_absence_reason = serializers.CharField(
        max_length=services.MAX_ABSENCE_REASON, required=False, allow_blank=True
    )
    outputs = OutputInputSerializer(many=True, max_length=20)
    witnesses = WitnessInputSerializer(many=True, max_length=20)
    deviation_justification = serializers.CharField(
        max_length=services.MAX_JUSTIFICATION,
        required=False,
        allow_blank=True,
        help_text="Required when the mass balance is outside the tolerance (X-QM-02).",
    )

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data["actual_methods"] = {
            row["lot"].pk: row["method"] for row in data.get("actual_methods", [])
        }
        data["outputs"] = [services.OutputInput(**row) for row in data["outputs"]]
        data["witnesses"] = [services.WitnessInput(**row) for row in data["witnesses"]]
        return data


class RecordWithEvidenceSerializer(serializers.Serializer):
    """The record as multipart/form-data: the JSON body of a JSON record in the part `record`,
    and evidence files in parts named by their kind (any number of each)."""

    record = serializers.CharField(
        help_text="The record as in a JSON request (started_at, ended_at, gate_weight_kg, "
        "weighbridge_ticket, outputs, witnesses, ...), as JSON text."
    )
    photo = serializers.ListField(child=serializers.FileField(), required=False)
    video = serializers.ListField(child=serializers.FileField(), required=False)
    weighbridge_ticket = serializers.ListField(child=serializers.FileField(), required=False)
    minutes = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="The minutes of destruction signed by all witnesses (X-WE-04).",
    )
    other = serializers.ListField(child=serializers.FileField(), required=False)

    def validate_record(self, value: str) -> dict:
        return json_object_part(value, what="the record")

    def to_service_arguments(self) -> dict:
        """The record's arguments, validated as a JSON record is (errors under the same field
        names), with the evidence files."""
        record = RecordSerializer(data=self.validated_data["record"])
        record.is_valid(raise_exception=True)
        data = record.to_service_arguments()
        data["evidence"] = [
            services.EvidenceInput(kind=kind, file=upload)
            for kind in EvidenceFile.Kind.values
            for upload in self.validated_data.get(kind, ())
        ]
        return data


class ProposeSerializer(serializers.Serializer):
    """The lots to plan and the day: the answer proposes a method and a facility for each."""

    lots = serializers.ListField(
        # No id passes a 64-bit integer: larger numbers are refused here, not by the database.
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=MAX_LINES,
        help_text="Ids of eligible lots (GET /api/v1/destruction-orders/eligible-lots/).",
    )
    planned_on = serializers.DateField(help_text="The planned destruction day (today or later).")


class PlanFindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Rule id, e.g. X-MF-02.")
    severity = serializers.ChoiceField(choices=("blocking", "warning", "info"))
    message = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    lot = serializers.CharField(allow_blank=True, help_text="Reference of the lot concerned.")


class PlanOptionSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="Method code, e.g. RECYCLE_SHRED.")
    facility = serializers.IntegerField(
        allow_null=True, help_text="Facility id; null when no facility is in use."
    )
    facility_name = serializers.CharField(allow_null=True)
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES)
    findings = PlanFindingSerializer(many=True)


class ProposalLineSerializer(PlanOptionSerializer):
    lot = serializers.IntegerField(help_text="The lot's id.")
    lot_reference = serializers.CharField()
    alternatives = PlanOptionSerializer(
        many=True,
        help_text="Other methods and facilities whose conditions the lot meets, best first.",
    )


class ProposalsSerializer(serializers.Serializer):
    lines = ProposalLineSerializer(many=True)


class OrderUpdateSerializer(serializers.Serializer):
    """Change a draft order; a field left out stays as it is."""

    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), required=False)
    planned_date = serializers.DateField(required=False)
    carrier_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    carrier_registration = serializers.CharField(max_length=80, required=False, allow_blank=True)
    vehicle = serializers.CharField(max_length=80, required=False, allow_blank=True)
    seal_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )
    planned_witnesses = PlannedWitnessSerializer(many=True, required=False, max_length=20)
    lines = LineChangeSerializer(
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="Lots of the order whose method or justification changes.",
    )

    def to_service_arguments(self) -> dict:
        data = dict(self.validated_data)
        lines = data.pop("lines", [])
        methods = {line["lot"].pk: line["method"] for line in lines if "method" in line}
        justifications = {
            line["lot"].pk: line["justification"] for line in lines if "justification" in line
        }
        if methods:
            data["methods"] = methods
        if justifications:
            data["justifications"] = justifications
        return data


class ReturnToDraftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the order is taken back.")


class AcknowledgementSerializer(serializers.Serializer):
    rule = serializers.CharField(max_length=20, help_text="The warning's rule id.")
    lot = serializers.CharField(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="The lot reference the warning names (blank for an order-wide warning).",
    )
    justification = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required for X-MF-02: why the lower waste-hierarchy rank.",
    )


class ApproveSerializer(serializers.Serializer):
    acknowledgements = AcknowledgementSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_LINES * 10,
        help_text="One per warning of the submit check (see the order's `submit_check`).",
    )

    def to_service_arguments(self) -> dict:
        return {
            "acknowledgements": [
                services.Acknowledgement(**row) for row in self.validated_data["acknowledgements"]
            ]
        }


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EvidenceUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceFile.Kind.choices)
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP, PDF, MP4 or QuickTime; recognised by content."
    )
