"""Forms of the seizures pages: HTTP -> service arguments. Rules live in the services; a service
error is shown on the field it names."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from project.routers import ID_PATTERN
from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS
from seizures.models import (
    CLASSIFICATION_FIELDS,
    INTAKE_FLAGS,
    LOT_INTAKE_FLAGS,
    ActionType,
    CustomsOffice,
    CustomsProcedure,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    Lot,
    RightHolder,
    SamplePurpose,
    Seizure,
    StorageLocation,
    TrafficType,
    TransportMode,
)
from seizures.services.amendments import LEGAL_FACTS
from seizures.validation import MAX_TEXT, LotInput
from seizures.waste_codes import (
    DEFAULT_CODES,
    HP_PROPERTIES,
    WasteCode,
    canonical_code,
    lookup,
)

# A date input sends and shows ISO dates whatever the locale's format (en-gb would render
# 31/12/2026, which the browser's date input drops, so an edit would clear the date).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

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


def active_locations(user):
    """The active locations of the user's offices (seizures.scoping)."""
    return StorageLocation.objects.visible_to(user).filter(active=True).order_by("code")


class SeizureForm(forms.Form):
    office = IdChoiceField(queryset=CustomsOffice.objects.none())
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
    notes = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A seizure is logged for one of the user's offices.
        self.fields["office"].queryset = CustomsOffice.objects.visible_to(user)


class SeizureEditForm(SeizureForm):
    """Correct or complete the case: the office (part of the reference) stays."""

    right_holder_agreement_on = forms.DateField(required=False, widget=DATE)
    declarant_agreement_on = forms.DateField(required=False, widget=DATE)
    declarant_objected = forms.BooleanField(
        required=False, help_text="Then the court route applies: record it under Court route."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, user=None, **kwargs)
        del self.fields["office"]

    @classmethod
    def initial_for(cls, seizure: Seizure) -> dict:
        names = [name for name in cls.base_fields if name != "office"]
        initial = {name: getattr(seizure, name) for name in names}
        initial["provenance_country"] = seizure.provenance_country.code
        return initial


class CourtCaseForm(forms.Form):
    """The court route of a seizure (Art. 23(3)-(5)): the proceedings, any extension of the
    period to start them, and the judgment."""

    court_name = forms.CharField(label="Court", max_length=200, required=False)
    court_reference = forms.CharField(
        label="Reference of the proceedings", max_length=100, required=False
    )
    proceedings_started_on = forms.DateField(
        label="Proceedings started on", required=False, widget=DATE
    )
    proceedings_extension_days = forms.IntegerField(
        label="Extension (working days)",
        min_value=0,
        max_value=MAX_PROCEEDINGS_EXTENSION_DAYS,
        required=False,
        help_text="Art. 23(4): once, up to 10 working days; not for perishable goods.",
    )
    proceedings_extension_reason = forms.CharField(
        label="Extension granted (by whom, why)", max_length=300, required=False
    )
    judgment_on = forms.DateField(label="Judgment of", required=False, widget=DATE)
    judgment_outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "---------"), *JudgmentOutcome.choices], required=False
    )
    judgment_final_since = forms.DateField(
        label="Final since",
        required=False,
        widget=DATE,
        help_text="Only a final judgment ordering destruction allows destruction.",
    )
    appeal_until = forms.DateField(label="Appeal window ends", required=False, widget=DATE)

    def clean_proceedings_extension_days(self) -> int:
        return self.cleaned_data["proceedings_extension_days"] or 0

    @classmethod
    def initial_for(cls, seizure: Seizure) -> dict:
        return {name: getattr(seizure, name) for name in cls.base_fields}


class SeizureAmendForm(forms.Form):
    """Amend the legal facts of a case whose goods left storage: the fields start from the
    case's values; those changed are the amendment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LEGAL_FACTS:
            self.fields[name] = (
                SeizureEditForm.base_fields.get(name) or CourtCaseForm.base_fields[name]
            )
        self.fields["reason"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=MAX_TEXT,
            help_text="Why the recorded facts were wrong, e.g. the court order received.",
        )

    @staticmethod
    def initial_for(seizure: Seizure) -> dict:
        initial = SeizureEditForm.initial_for(seizure) | CourtCaseForm.initial_for(seizure)
        return {name: initial[name] for name in LEGAL_FACTS}

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}


def hazard_classes_field() -> forms.MultipleChoiceField:
    """The UN hazard classes as ticks, at intake and when a lot is reclassified."""
    return forms.MultipleChoiceField(
        label="UN hazard classes",
        choices=HazardClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class WasteCodeFormField(forms.CharField):
    """A List of Waste code in any spelling, cleaned to the list's ("160305" -> "16 03 05*")."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return canonical_code(value)
        except ValueError as error:
            # As a parameter: the message quotes the input, and a "%" in it would break the
            # formatting django-filter applies to error messages (a 500 on ?ewc_code=%).
            raise forms.ValidationError(
                "%(problem)s", code="unknown", params={"problem": str(error)}
            ) from error


def hp_properties_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Hazardous properties (HP)",
        choices=HP_PROPERTIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="WFD Annex III; any ticked makes the waste hazardous whatever its code.",
    )


# The <datalist> of the EWC field (seizures/includes/ewc_defaults.html): the codes lots get by
# default, proposed as the user types.
EWC_DEFAULTS_LIST = "ewc-defaults"


def ewc_code_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="EWC code",
        max_length=20,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"placeholder": "default for the goods", "list": EWC_DEFAULTS_LIST}
        ),
    )


def proposed_waste_codes() -> list[WasteCode]:
    """The List of Waste entries the defaults table gives, each once, in table order."""
    return [lookup(code) for code in dict.fromkeys(row.code for row in DEFAULT_CODES)]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """One or more photos; the service checks each by its content (JPEG, PNG or WebP)."""

    def __init__(self, **kwargs):
        attrs = {"accept": "image/jpeg,image/png,image/webp"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "JPEG, PNG or WebP; several may be chosen.")
        super().__init__(**kwargs)

    def has_changed(self, initial, data) -> bool:
        # No file chosen comes as an empty list, which is no change (an empty lot line).
        return bool(data)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean
        return [clean_one(file, initial) for file in files if file]


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
    net_weight_kg = forms.DecimalField(
        label="Net weight (kg)",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
        help_text="Without packaging, if weighed.",
    )
    volume_l = forms.DecimalField(
        label="Volume (l)",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
        help_text="Liquids only.",
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
        queryset=StorageLocation.objects.none(),
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
    photos = PhotosField(
        help_text="Of the goods as found, e.g. damage or leaks: JPEG, PNG or WebP."
    )
    ewc_code = ewc_code_field(
        "European List of Waste, e.g. 16 03 05*. Empty: the default of the category, waste class "
        "and hazards (e.g. 20 01 11 textiles, 16 06 05 batteries)."
    )
    ewc_reason = forms.CharField(
        label="Why this EWC code",
        max_length=2000,
        required=False,
        help_text="Required when the code is not the default for the goods.",
    )
    hp_properties = hp_properties_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations(user)

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
            net_weight_kg=data.get("net_weight_kg"),
            volume_l=data.get("volume_l"),
            brand=data.get("brand") or "",
            waste_class=data.get("waste_class") or None,
            retail_value=data.get("retail_value") or Decimal("0"),
            currency=data.get("currency") or "EUR",
            hazard_classes=data["hazard_classes"] if data.get("set_hazard_classes") else None,
            location=data.get("location"),
            ewc_code=data.get("ewc_code") or None,
            ewc_reason=data.get("ewc_reason") or "",
            hp_properties=data.get("hp_properties") or (),
            photos=data.get("photos") or (),
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
    """The lot's condition as found (X-CC-04, BAT-S2), with photos as evidence; calls
    services.record_lot_condition."""

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
    photos = PhotosField()


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class MoveForm(forms.Form):
    """Place or move a lot. Built for a lot (`options`: the locations that accept it, grouped by
    warehouse, its own first), the choice lists only those; any active location is still
    accepted, so a refusal names its rule. A move to another warehouse needs `confirm_transfer`."""

    location = LocationChoiceField(queryset=StorageLocation.objects.none(), label="Move to")
    confirm_transfer = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations(user)
        if options is not None:
            field = self.fields["location"]
            field.widget.choices = [
                ("", "---------"),
                *(
                    (
                        f"{option.warehouse.code} {option.warehouse.name}"
                        + (" (this lot's warehouse)" if option.own else ""),
                        [(loc.pk, field.label_from_instance(loc)) for loc in option.locations],
                    )
                    for option in options
                ),
            ]


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
    ewc_code = ewc_code_field(
        "European List of Waste code. Empty: the default of the new classification; another "
        "code keeps the reason below as its reason."
    )
    hp_properties = hp_properties_field()
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What was found, e.g. lithium batteries in a parcel of toys.",
    )

    @staticmethod
    def initial_for(lot: Lot) -> dict:
        """The lot's values; its EWC code only when chosen by hand, so a default code follows
        the new classification."""
        initial = {name: getattr(lot, name) for name in CLASSIFICATION_FIELDS}
        if lot.ewc_code == lot.default_ewc_code():
            initial["ewc_code"] = ""
        return initial

    def amendment_changes(self) -> dict:
        """The classification values changed on the form (the lot's are its initial values),
        for an amendment of a lot that left storage: the hazard classes as ticked."""
        data = self.cleaned_data
        return {
            name: list(data[name]) if name == "hazard_classes" else data[name]
            for name in CLASSIFICATION_FIELDS
            if name in self.changed_data
        }

    def service_arguments(self) -> dict:
        """The reclassify_lot arguments of the cleaned form."""
        data = self.cleaned_data
        return {
            "waste_class": data["waste_class"],
            "hazard_classes": None if data["default_hazard_classes"] else data["hazard_classes"],
            "reason": data["reason"],
            "ewc_code": data["ewc_code"] or None,
            "hp_properties": data["hp_properties"],
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
    """The CSV file, the page's idempotency token (a second submission of the same form answers
    the first import) and, after a duplicate warning, the importer's confirmation. The file may
    be left out when confirming: the page kept the one it warned about."""

    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text="One row per lot, separated by commas, semicolons or tabs; UTF-8 or "
        "Windows-1252. See the column list below.",
    )
    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    confirm_duplicates = forms.BooleanField(
        label="I checked these possible duplicates: import the file anyway",
        required=False,
    )
