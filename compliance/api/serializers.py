"""Input and output serializers of the what-if check, the rulebook and the stored checks."""

from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

from compliance.conditions import SEVERITIES
from compliance.facts import STAGES
from compliance.models import ComplianceCheck, Verdict
from compliance.rulebook import MARKS
from compliance.rulebook.changes import ASPECTS
from destruction.methods import OPERATION_CODES, Method
from destruction.models import Facility
from project.users import display_name
from seizures.api.serializers import WasteCodeField, hp_properties_field
from seizures.categories import HazardClass, WasteClass


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know: a misspelt parameter ("temprature_c") silently ignored
    would give a reassuring but wrong answer."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {name: ["Unknown field."] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            errors = {**error.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value


class FiniteFloatField(serializers.FloatField):
    """A finite number. JSON true/false are refused: FloatField would read them as 1.0 and 0.0,
    and a temperature of "true" is a client's mistake, not 1 °C."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError("A finite number is required.")
        return value


class WhatIfFacilityInput(StrictSerializer):
    """Either a stored facility ({"id": 3}) or a permit described by its values."""

    id = serializers.IntegerField(required=False, help_text="A stored facility: its permits.")
    operations = serializers.ListField(
        child=serializers.ChoiceField(choices=OPERATION_CODES),
        required=False,
        help_text="R/D operation codes the permit lists.",
    )
    permit_valid_from = serializers.DateField(required=False)
    permit_valid_until = serializers.DateField(required=False)
    hazardous_permitted = serializers.BooleanField(required=False)
    waste_codes = serializers.ListField(
        child=WasteCodeField(),
        required=False,
        help_text="EU List of Waste codes the permit lists (X-MF-09); omitted: not described.",
    )
    mixing_permitted = serializers.BooleanField(
        required=False,
        help_text="The permit allows mixing hazardous with non-hazardous waste (X-MF-05).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "id" in attrs:
            others = sorted(set(attrs) - {"id"})
            if others:
                raise serializers.ValidationError(
                    {
                        name: ["Give either the facility id or a permit, not both."]
                        for name in others
                    }
                )
            facility = Facility.objects.filter(pk=attrs["id"]).first()
            if facility is None:
                raise serializers.ValidationError({"id": [f"No facility with id {attrs['id']}."]})
            return {"instance": facility}
        errors = {
            name: ["This field is required (or give the facility id)."]
            for name in ("operations", "permit_valid_from", "permit_valid_until")
            if name not in attrs
        }
        if errors:
            raise serializers.ValidationError(errors)
        if attrs["permit_valid_until"] < attrs["permit_valid_from"]:
            raise serializers.ValidationError(
                {"permit_valid_until": ["The permit cannot end before it starts."]}
            )
        return attrs


class WhatIfParametersInput(StrictSerializer):
    """Every key is optional (compliance.facts.WHAT_IF_PARAMETERS): a fact a rule needs that is
    not given is a warning finding, so the verdict is at best "needs_review"."""

    temperature_c = FiniteFloatField(required=False, allow_null=True, min_value=0)
    residence_time_s = FiniteFloatField(required=False, allow_null=True, min_value=0)
    halogenated_over_1pct = serializers.BooleanField(required=False, allow_null=True)
    particle_size_mm = FiniteFloatField(
        required=False, allow_null=True, min_value=0, help_text="Shredding particle size."
    )
    debranded = serializers.BooleanField(required=False, allow_null=True)
    batteries_removed = serializers.BooleanField(required=False, allow_null=True)
    aerosols_degassed = serializers.BooleanField(required=False, allow_null=True)
    controlled_substances = serializers.BooleanField(
        required=False, allow_null=True, help_text="The medicines include controlled drugs."
    )
    cytotoxic = serializers.BooleanField(
        required=False, allow_null=True, help_text="Antineoplastic or cytotoxic medicines."
    )
    asbestos = serializers.BooleanField(
        required=False, allow_null=True, help_text="Suspected asbestos (friction parts)."
    )
    high_risk = serializers.BooleanField(
        required=False, allow_null=True, help_text="The lot is flagged high-risk."
    )
    electrical = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Electrical or electronic equipment (a WEEE route fits); derived from the "
        "waste class and hazard classes when not given.",
    )
    animal_origin = serializers.BooleanField(
        required=False, allow_null=True, help_text="Food products of animal origin."
    )
    methanol_contaminated = serializers.BooleanField(
        required=False, allow_null=True, help_text="Lab analysis found methanol in the spirits."
    )
    pressure_sterilised = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Animal by-products pressure-sterilised before digestion.",
    )
    denatured = serializers.BooleanField(
        required=False, allow_null=True, help_text="Rendered unsmokeable or undrinkable."
    )
    pyrotechnics_neutralised = serializers.BooleanField(
        required=False, allow_null=True, help_text="Air-bag inflators or pretensioners neutralised."
    )
    right_holder_consent = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Written right-holder consent to a non-destructive route (donation, reuse).",
    )
    customs_decision_recorded = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="A customs decision sets the conditions of a non-destructive route.",
    )
    lab_analysis_done = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Active substances of chemicals identified by lab analysis.",
    )
    customs_officer_present = serializers.BooleanField(required=False, allow_null=True)
    officer_absence_reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=2000
    )
    witnesses = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000
    )
    justification = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=2000
    )


class WhatIfInput(StrictSerializer):
    waste_class = serializers.ChoiceField(choices=WasteClass.choices)
    method = serializers.ChoiceField(choices=Method.choices)
    hazard_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=HazardClass.choices),
        required=False,
        help_text="UN hazard classes; omitted: the waste class's usual classes (B18).",
    )
    ewc_code = WasteCodeField(
        required=False,
        help_text="EU List of Waste code, e.g. 16 03 05*; omitted: the default of the waste "
        "class and hazard classes. An unknown code is a 400.",
    )
    hp_properties = hp_properties_field(required=False)
    on_date = serializers.DateField(required=False, help_text="Destruction date; omitted: today.")
    facility = WhatIfFacilityInput(required=False, allow_null=True)
    parameters = WhatIfParametersInput(required=False)


class WhatIfFindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Rule id, e.g. PHA-M1.")
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField(help_text="What the rule asks, in plain language.")
    source = serializers.CharField(help_text="Where the rule comes from.")
    detail = serializers.CharField(help_text="Why it fired for this request.")


class WhatIfResultSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rulebook_version = serializers.CharField()
    ewc_code = serializers.CharField(help_text="The EU List of Waste code judged.")
    ewc_description = serializers.CharField()
    hazardous_waste = serializers.BooleanField(
        help_text="By the code's asterisk or an HP property (X-MF-03, X-MF-05, X-CC-07)."
    )
    findings = WhatIfFindingSerializer(many=True)


class RuleSourceSerializer(serializers.Serializer):
    ref = serializers.CharField()
    document = serializers.CharField()
    section = serializers.CharField()
    url = serializers.CharField()


class RuleSerializer(serializers.Serializer):
    """A rule of the rulebook (compliance.rulebook.catalogue.rule_data)."""

    id = serializers.CharField()
    kind = serializers.CharField(help_text="check, or note (kept for reference, never checked).")
    severity = serializers.ChoiceField(choices=SEVERITIES)
    applies_to = serializers.ListField(child=serializers.ChoiceField(choices=STAGES))
    waste_classes = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="null: every waste class."
    )
    methods = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="null: every method."
    )
    permits = serializers.ListField(child=serializers.CharField())
    forbids = serializers.ListField(child=serializers.CharField())
    when = serializers.CharField(help_text="When the rule applies, in words (empty: always).")
    require = serializers.CharField(help_text="What must hold, in words.")
    message = serializers.CharField()
    source = serializers.CharField()
    sources = RuleSourceSerializer(many=True)
    mark = serializers.ChoiceField(choices=MARKS)
    see = serializers.ListField(child=serializers.CharField())


class StoredFindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField()
    detail = serializers.CharField()
    source = serializers.CharField()
    mark = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    lot = serializers.CharField(required=False, help_text="Reference of the lot concerned.")


class ComplianceCheckSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.reference", allow_null=True, default=None)
    lot = serializers.CharField(source="lot.reference", allow_null=True, default=None)
    findings = StoredFindingSerializer(many=True)
    checked_by = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceCheck
        fields = [
            "id",
            "stage",
            "order",
            "lot",
            "rulebook_version",
            "verdict",
            "findings",
            "checked_at",
            "checked_by",
        ]

    def get_checked_by(self, check: ComplianceCheck) -> str:
        return display_name(check.checked_by)


class RuleTextSerializer(serializers.Serializer):
    """A rule added or removed between two versions, its aspects as text."""

    id = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField()
    condition = serializers.CharField()
    source = serializers.CharField()
    scope = serializers.CharField()


class AspectComparisonSerializer(serializers.Serializer):
    aspect = serializers.ChoiceField(choices=ASPECTS)
    before = serializers.CharField()
    after = serializers.CharField()
    changed = serializers.BooleanField()


class RuleChangeSerializer(serializers.Serializer):
    id = serializers.CharField()
    aspects = serializers.ListField(child=serializers.ChoiceField(choices=ASPECTS))
    comparison = AspectComparisonSerializer(many=True)


class RulebookChangesSerializer(serializers.Serializer):
    """compliance.rulebook.catalogue.changes_data"""

    added = RuleTextSerializer(many=True)
    removed = RuleTextSerializer(many=True)
    changed = RuleChangeSerializer(many=True)

    def get_fields(self):
        # "from" and "to" are Python keywords: declared here rather than as attributes.
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        fields["to"] = serializers.CharField()
        return fields
