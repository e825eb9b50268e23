"""Forms of the seizures pages: HTTP -> service arguments. Rules live in the services; a service
error is shown on the field it names."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from project.routers import ID_PATTERN
from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.models import (
    CLASSIFICATION_FIELDS,
    INTAKE_FLAGS,
    LOT_INTAKE_FLAGS,
    ActionType,
    CustomsOffice,
    CustomsProcedure,
    IPRType,
    LegalRoute,
    Lot,
    RightHolder,
    SamplePurpose,
    Seizure,
    StorageLocation,
    TrafficType,
    TransportMode,
)
from seizures.validation import LotInput

DATE = forms.DateInput(attrs={"type": "date"})

# The API's id pattern: ASCII digits only (str.isdigit() takes "²"), at most 18 of them, so a
# value is refused here rather than failing int() or overflowing the database integer.
ID = re.compile(rf"\A{ID_PATTERN}\Z")
MAX_LABELS = 500


def is_id(value: str) -> bool:
    return bool(ID.match(value))


class IdChoiceField(forms.ModelChoiceField):
    """A record chosen by id: anything but an id is an invalid choice, before any query."""

    def to_python(self, value):
        if value not in self.empty_values and not is_id(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsField(forms.Field):
    """Every value of a repeated parameter (?lot=1&lot=2) as ids, each once, in order."""

    widget = forms.SelectMultiple

    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        super().__init__(
            error_messages={"required": f"Select at least one {noun} to print labels for."},
            **kwargs,
        )

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if any(not is_id(str(v)) for v in values):
            raise ValidationError(
                f"{self.noun.capitalize()} ids are numbers of up to 18 digits.", code="invalid"
            )
        ids = list(dict.fromkeys(int(v) for v in values))
        if len(ids) > MAX_LABELS:
            raise ValidationError(f"Print at most {MAX_LABELS} labels at a time.", code="max")
        return ids


class LotLabelsForm(forms.Form):
    lot = IdsField(noun="lot")


class LocationLabelsForm(forms.Form):
    location = IdsField(noun="location")


class LocationChoiceField(IdChoiceField):
    def label_from_instance(self, obj: StorageLocation) -> str:
        classes = ", ".join(obj.accepted_hazard_classes) or "no hazard classes"
        return f"{obj.code} · {obj.get_zone_type_display()} · UN {classes}"


def active_locations():
    return StorageLocation.objects.filter(active=True).order_by("code")


class SeizureForm(forms.Form):
    office = IdChoiceField(queryset=CustomsOffice.objects.all())
    detained_on = forms.DateField(label="Detained on", widget=DATE)
    place_of_detention = forms.CharField(max_length=200, required=False)
    transport_mode = forms.ChoiceField(choices=TransportMode.choices)
    traffic_type = forms.ChoiceField(choices=TrafficType.choices, initial=TrafficType.FREIGHT)
    provenance_country = forms.ChoiceField(
        label="Country of provenance", choices=[("", "---------"), *countries]
    )
    ipr_type = forms.ChoiceField(label="Type of IP right", choices=IPRType.choices)
    customs_procedure = forms.ChoiceField(
        label="Customs procedure when detained", choices=CustomsProcedure.choices
    )
    action_type = forms.ChoiceField(choices=ActionType.choices)
    right_holder = IdChoiceField(queryset=RightHolder.objects.all(), required=False)
    declarant_name = forms.CharField(max_length=200, required=False)
    consignment_number = forms.CharField(
        max_length=60, required=False, help_text="Declaration, air waybill or parcel number."
    )
    notified_on = forms.DateField(
        label="Notified on",
        required=False,
        widget=DATE,
        help_text="The statutory deadline runs from this date (10 working days, 3 if perishable).",
    )
    legal_route = forms.ChoiceField(choices=LegalRoute.choices)
    perishable = forms.BooleanField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SeizureEditForm(SeizureForm):
    """Correct or complete the case: the office (part of the reference) stays."""

    right_holder_agreement_on = forms.DateField(required=False, widget=DATE)
    declarant_agreement_on = forms.DateField(required=False, widget=DATE)
    declarant_objected = forms.BooleanField(required=False)
    court_reference = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["office"]

    @classmethod
    def initial_for(cls, seizure: Seizure) -> dict:
        names = [name for name in cls.base_fields if name != "office"]
        initial = {name: getattr(seizure, name) for name in names}
        initial["provenance_country"] = seizure.provenance_country.code
        return initial


def hazard_classes_field() -> forms.MultipleChoiceField:
    """The UN hazard classes as ticks, at intake and when a lot is reclassified."""
    return forms.MultipleChoiceField(
        label="UN hazard classes",
        choices=HazardClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LotForm(forms.Form):
    category = forms.ChoiceField(
        label="EU product category", choices=[("", "---------"), *ProductCategory.choices]
    )
    waste_class = forms.ChoiceField(
        label="Waste class",
        choices=[("", "Default for the category"), *WasteClass.choices],
        required=False,
    )
    description = forms.CharField(max_length=300)
    brand = forms.CharField(max_length=120, required=False)
    articles = forms.IntegerField(min_value=1, max_value=2_000_000_000)
    gross_weight_kg = forms.DecimalField(
        label="Gross weight (kg)", max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    retail_value = forms.DecimalField(
        label="Retail value (genuine goods)",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", initial="EUR", max_length=3)
    set_hazard_classes = forms.BooleanField(
        label="Set the UN hazard classes by hand",
        required=False,
        help_text="Otherwise the defaults of the waste class apply (digest B18).",
    )
    hazard_classes = hazard_classes_field()
    location = LocationChoiceField(
        queryset=active_locations(),
        required=False,
        help_text="Place the lot at intake (optional).",
    )
    controlled_substances = forms.BooleanField(
        label="Controlled substances", required=False, help_text="PHA-S2, X-WE-02"
    )
    cytotoxic = forms.BooleanField(label="Cytotoxic", required=False, help_text="PHA-S2, PHA-M1")
    contains_asbestos = forms.BooleanField(
        label="Contains asbestos", required=False, help_text="AUT-S2, AUT-M3"
    )
    high_risk = forms.BooleanField(label="High risk", required=False, help_text="X-WE-02")
    damaged = forms.BooleanField(
        label="Damaged or leaking", required=False, help_text="X-CC-04: place it in quarantine"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()

    @property
    def intake_flags(self) -> list[forms.BoundField]:
        """The classification checkboxes, rendered together as one group per lot line."""
        return [self[name] for name in LOT_INTAKE_FLAGS]

    def to_lot_input(self) -> LotInput:
        data = self.cleaned_data
        return LotInput(
            category=data["category"],
            description=data["description"],
            articles=data["articles"],
            gross_weight_kg=data["gross_weight_kg"],
            brand=data.get("brand") or "",
            waste_class=data.get("waste_class") or None,
            retail_value=data.get("retail_value") or Decimal("0"),
            currency=data.get("currency") or "EUR",
            hazard_classes=data["hazard_classes"] if data.get("set_hazard_classes") else None,
            location=data.get("location"),
            **{name: data.get(name, False) for name in LOT_INTAKE_FLAGS},
        )


class BaseLotFormSet(forms.BaseFormSet):
    def lot_inputs(self) -> list[LotInput]:
        return [form.to_lot_input() for form in self.forms if form.has_changed()]


def lot_formset(extra: int):
    return forms.formset_factory(
        LotForm, formset=BaseLotFormSet, extra=extra, min_num=1, validate_min=True, max_num=50
    )


def apply_service_error(error: ValidationError, form: forms.Form, formset=None) -> None:
    """Show a service's ValidationError on the fields it names ("lots[1].location" -> field
    location of the second lot form)."""
    for key, messages in error.message_dict.items():
        target, name = form, key
        if formset is not None and key.startswith("lots["):
            index, _, name = key[len("lots[") :].partition("].")
            changed = [f for f in formset.forms if f.has_changed()]
            if index.isdigit() and int(index) < len(changed):
                target = changed[int(index)]
        for message in messages:
            target.add_error(name if name in target.fields else None, message)


class ConditionForm(forms.Form):
    """The lot's condition as found (X-CC-04, BAT-S2); calls services.record_lot_condition."""

    damaged = forms.TypedChoiceField(
        label="Condition",
        choices=((True, "Damaged, swollen or leaking"), (False, "Not damaged")),
        coerce=lambda value: value in (True, "True"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What was found, e.g. swollen cells, leaking drums.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class MoveForm(forms.Form):
    location = LocationChoiceField(queryset=active_locations(), label="Move to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()


class ReclassifyForm(forms.Form):
    """Correct a lot's classification; starts from the lot's current values."""

    waste_class = forms.ChoiceField(label="Waste class", choices=WasteClass.choices)
    default_hazard_classes = forms.BooleanField(
        label="Use the UN hazard classes of the waste class",
        required=False,
        help_text="The digest B18 defaults; otherwise the classes ticked below.",
    )
    hazard_classes = hazard_classes_field()
    # The intake flags, asked as at intake.
    controlled_substances = LotForm.base_fields["controlled_substances"]
    cytotoxic = LotForm.base_fields["cytotoxic"]
    contains_asbestos = LotForm.base_fields["contains_asbestos"]
    high_risk = LotForm.base_fields["high_risk"]
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What was found, e.g. lithium batteries in a parcel of toys.",
    )

    @staticmethod
    def initial_for(lot: Lot) -> dict:
        return {name: getattr(lot, name) for name in CLASSIFICATION_FIELDS}

    def service_arguments(self) -> dict:
        """The reclassify_lot arguments of the cleaned form."""
        data = self.cleaned_data
        return {
            "waste_class": data["waste_class"],
            "hazard_classes": None if data["default_hazard_classes"] else data["hazard_classes"],
            "reason": data["reason"],
            **{name: data[name] for name in INTAKE_FLAGS},
        }


class SampleForm(forms.Form):
    articles = forms.IntegerField(min_value=1, label="Articles to take")
    purpose = forms.ChoiceField(choices=SamplePurpose.choices)
    holder = forms.CharField(max_length=200, help_text="Laboratory, court or academy.")
    gross_weight_kg = forms.DecimalField(
        label="Sample weight (kg)",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
        help_text="Leave empty for the lot's weight per article.",
    )


class ScanForm(forms.Form):
    code = forms.CharField(
        label="Scan a code",
        max_length=60,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}
        ),
        help_text="Scan a location label, then the labels of the lots to put there.",
    )
    target = IdChoiceField(
        queryset=StorageLocation.objects.all(), required=False, widget=forms.HiddenInput
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="One row per lot; see the column list below."
    )
