"""The what-if form (the same request as POST /api/v1/compliance/check/, as a page) and the choice
of two rulebook versions to compare."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from compliance.facts import WHAT_IF_PARAMETERS
from compliance.rulebook import DEFAULT_VERSION, kept_versions
from destruction.methods import OPERATION_CODES, Method
from destruction.models import Facility
from seizures.categories import HazardClass, WasteClass
from seizures.forms import WasteCodeFormField
from seizures.waste_codes import canonical_code, code_errors

UNKNOWN_YES_NO = [("", "Not known"), ("true", "Yes"), ("false", "No")]
PERMIT_FIELDS = (
    "operations",
    "permit_valid_from",
    "permit_valid_until",
    "hazardous_permitted",
    "waste_codes",
    "mixing_permitted",
)


def yes_no_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=UNKNOWN_YES_NO,
        coerce=lambda value: value == "true",
        empty_value=None,
    )


class WhatIfForm(forms.Form):
    waste_class = forms.ChoiceField(label="Waste class", choices=WasteClass.choices)
    method = forms.ChoiceField(label="Disposal method", choices=Method.choices)
    hazard_classes = forms.MultipleChoiceField(
        label="UN hazard classes",
        required=False,
        choices=HazardClass.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none for goods without a UN hazard class.",
    )
    ewc_code = WasteCodeFormField(
        label="EWC code",
        required=False,
        max_length=20,
        help_text="EU List of Waste, e.g. 16 03 05*; empty: the default of the waste class.",
    )
    on_date = forms.DateField(
        label="Destruction date", widget=forms.DateInput(attrs={"type": "date"})
    )
    facility = forms.ModelChoiceField(
        label="Facility",
        required=False,
        queryset=Facility.objects.filter(active=True),
        empty_label="None: describe a permit below",
        help_text="A stored facility brings its permits; or leave empty and describe a permit.",
    )
    operations = forms.CharField(
        label="Permit operations",
        required=False,
        max_length=200,
        help_text="R/D codes the permit lists, e.g. R3, D10.",
    )
    permit_valid_from = forms.DateField(
        label="Permit valid from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    permit_valid_until = forms.DateField(
        label="Permit valid until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hazardous_permitted = forms.BooleanField(label="Permit allows hazardous waste", required=False)
    waste_codes = forms.CharField(
        label="Permit EWC codes",
        required=False,
        max_length=2000,
        help_text="List of Waste codes the permit lists, separated by commas; empty: not checked.",
    )
    mixing_permitted = forms.BooleanField(
        label="Permit allows mixing hazardous with non-hazardous waste", required=False
    )
    temperature_c = forms.FloatField(label="Temperature (°C)", required=False, min_value=0)
    residence_time_s = forms.FloatField(label="Residence time (s)", required=False, min_value=0)
    halogenated_over_1pct = yes_no_field("Over 1 % halogenated organics")
    particle_size_mm = forms.FloatField(
        label="Shredding particle size (mm)",
        required=False,
        min_value=0,
        help_text="Leave empty if the goods are not shredded.",
    )
    debranded = yes_no_field("De-branded")
    batteries_removed = yes_no_field("Batteries removed")
    aerosols_degassed = yes_no_field("Aerosols or lighters degassed")
    denatured = yes_no_field("Denatured (unsmokeable or undrinkable)")
    pyrotechnics_neutralised = yes_no_field("Air-bag pyrotechnics neutralised")
    controlled_substances = yes_no_field("Controlled drugs (narcotics, psychotropics)")
    cytotoxic = yes_no_field("Antineoplastic or cytotoxic medicines")
    asbestos = yes_no_field("Suspected asbestos (friction parts)")
    high_risk = yes_no_field("Flagged high-risk")
    electrical = yes_no_field("Electrical or electronic equipment")
    animal_origin = yes_no_field("Food of animal origin")
    methanol_contaminated = yes_no_field("Methanol found in the spirits")
    pressure_sterilised = yes_no_field("Pressure-sterilised before digestion")
    right_holder_consent = yes_no_field("Written right-holder consent")
    customs_decision_recorded = yes_no_field("Customs decision with conditions")
    lab_analysis_done = yes_no_field("Lab analysis of the active substances")
    customs_officer_present = yes_no_field("Customs officer present")
    officer_absence_reason = forms.CharField(
        label="Why no customs officer attends (risk-based decision)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    witnesses = forms.IntegerField(label="Witnesses", required=False, min_value=0, max_value=1000)
    justification = forms.CharField(
        label="Justification of a lower-ranked method",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate()

    def clean_operations(self) -> list[str]:
        codes = [code.upper() for code in re.split(r"[\s,;]+", self.cleaned_data["operations"])]
        codes = [code for code in codes if code]
        unknown = [code for code in codes if code not in OPERATION_CODES]
        if unknown:
            raise forms.ValidationError(f"Unknown R/D code: {', '.join(unknown)}.")
        return codes

    def clean_waste_codes(self) -> list[str] | None:
        """The permit's codes in the list's spelling; None when not described."""
        codes = [code for code in re.split(r"[,;\n]+", self.cleaned_data["waste_codes"])]
        codes = [code.strip() for code in codes if code.strip()]
        problems = code_errors(codes)
        if problems:
            raise forms.ValidationError(problems)
        return [canonical_code(code) for code in codes] or None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        described = bool(
            data.get("operations")
            or data.get("permit_valid_from")
            or data.get("permit_valid_until")
        )
        if data.get("facility") and described:
            self.add_error("facility", "Choose a facility or describe a permit, not both.")
        elif described:
            for name in ("operations", "permit_valid_from", "permit_valid_until"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Needed to describe the permit.")
            start, end = data.get("permit_valid_from"), data.get("permit_valid_until")
            if start and end and end < start:
                self.add_error("permit_valid_until", "The permit cannot end before it starts.")
        return data

    def request(self) -> dict[str, Any]:
        """The validated what-if request (the shape of WhatIfInput's validated data)."""
        data = self.cleaned_data
        facility = None
        if data.get("facility"):
            facility = {"instance": data["facility"]}
        elif data.get("operations"):
            facility = {name: data.get(name) for name in PERMIT_FIELDS}
        return {
            "waste_class": data["waste_class"],
            "method": data["method"],
            "hazard_classes": list(data.get("hazard_classes") or []),
            "ewc_code": data.get("ewc_code") or None,
            "on_date": data["on_date"],
            "facility": facility,
            "parameters": {name: data.get(name) for name in WHAT_IF_PARAMETERS},
        }


class RuleChangesForm(forms.Form):
    """Two kept rulebook versions (`from`, `to`: Python keywords, so declared in __init__); by
    default the version before the one in force, and the one in force."""

    def __init__(self, data=None, **kwargs):
        versions = kept_versions()
        current = versions.index(DEFAULT_VERSION) if DEFAULT_VERSION in versions else -1
        initial = {"from": versions[max(current - 1, 0)], "to": versions[current]}
        # Unbound: compare the defaults, so the page opens on the latest changes.
        super().__init__(data if data else initial, **kwargs)
        choices = [(version, version) for version in versions]
        self.fields["from"] = forms.ChoiceField(label="From version", choices=choices)
        self.fields["to"] = forms.ChoiceField(label="To version", choices=choices)
