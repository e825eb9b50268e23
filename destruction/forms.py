"""Forms of the destruction pages: they parse input into service arguments; the rules are the
services' business."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from destruction import services
from destruction.approval import JUSTIFIED_RULES, needs_justification
from destruction.methods import METHODS, OPERATION_CODES, Method
from destruction.models import (
    DecompositionState,
    EvidenceFile,
    Facility,
    OutputRoute,
    Payer,
    ReceiptDiscrepancy,
    Witness,
)
from seizures.forms import is_id
from seizures.models import Lot

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ALLOWED_METHODS = [(code, label) for code, label in Method.choices if not METHODS[code].forbidden]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def lot_id(value: str) -> int:
    if not is_id(value):
        raise ValidationError("Lot ids are numbers of up to 18 digits.", code="invalid")
    return int(value)


class LotIdField(forms.CharField):
    """One lot id, as an int."""

    def to_python(self, value) -> int | None:
        value = super().to_python(value)
        return lot_id(value) if value else None


class LotIdsField(forms.Field):
    """Every value of a repeated parameter (the planner's ticked lots), as ints in the order
    given, each once."""

    # Reads every value of the parameter; the planner template renders its own checkboxes.
    widget = forms.SelectMultiple

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return list(dict.fromkeys(lot_id(str(v)) for v in values))


class OrderForm(forms.Form):
    """The order part of the planner; the lots come from the ticked rows and the scans."""

    lots = LotIdsField(required=False)
    facility = forms.ModelChoiceField(
        label="Same facility for every lot",
        queryset=Facility.objects.filter(active=True),
        required=False,
        empty_label="No: as proposed or chosen per lot",
        help_text="Used for every lot whose own facility is left empty.",
    )
    planned_date = forms.DateField(widget=DateInput())
    method = forms.ChoiceField(
        label="Same method for every lot",
        choices=[("", "No: as proposed or chosen per lot"), *ALLOWED_METHODS],
        required=False,
        help_text="Used for every lot whose own method is left empty.",
    )
    scanned = forms.CharField(
        label="Scanned lot references",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "autocomplete": "off", "autocapitalize": "characters"}
        ),
        help_text="Scan lot labels here, one per line; they join the ticked lots.",
    )
    cost_estimate = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, initial=0
    )
    cost_currency = forms.RegexField(r"^[A-Z]{3}$", max_length=3, initial="EUR")
    payer = forms.ChoiceField(
        choices=[("", "Default: right holder, else administration"), *Payer.choices],
        required=False,
    )
    carrier_name = forms.CharField(max_length=200, required=False)
    carrier_registration = forms.CharField(
        label="Carrier registration", max_length=80, required=False
    )
    vehicle = forms.CharField(max_length=80, required=False)
    seal_numbers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One seal number per line.",
    )
    consignment_note_number = forms.CharField(max_length=80, required=False)
    planned_witnesses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name; organisation; role (customs_officer, right_holder, "
        "facility_operator or other).",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_scanned(self) -> list[Lot]:
        references = lines_of(self.cleaned_data["scanned"])
        lots = {lot.reference: lot for lot in Lot.objects.filter(reference__in=references)}
        unknown = [ref for ref in references if ref not in lots]
        if unknown:
            raise ValidationError(f"Unknown lot reference: {', '.join(unknown)}.")
        return [lots[ref] for ref in dict.fromkeys(references)]

    def clean_planned_witnesses(self) -> list[dict[str, str]]:
        witnesses, errors = [], []
        for number, text in enumerate(lines_of(self.cleaned_data["planned_witnesses"]), start=1):
            parts = [part.strip() for part in text.split(";")]
            if len(parts) != 3 or parts[2] not in Witness.Role.values:
                errors.append(f"Line {number}: write name; organisation; role.")
                continue
            witnesses.append({"name": parts[0], "organisation": parts[1], "role": parts[2]})
        if errors:
            raise ValidationError(errors)
        return witnesses

    def service_arguments(self) -> dict:
        """The arguments `create_orders` takes besides the lines and their facilities."""
        data = dict(self.cleaned_data)
        for name in ("lots", "scanned", "method", "facility"):
            data.pop(name)
        data["seal_numbers"] = lines_of(data["seal_numbers"])
        data["payer"] = data["payer"] or None
        if data["cost_estimate"] is None:
            data.pop("cost_estimate")
        return data


def witness_lines(witnesses) -> str:
    """Planned witnesses as the witness textarea shows them (name; organisation; role)."""
    return "\n".join(
        f"{w.get('name', '')}; {w.get('organisation', '')}; {w.get('role', '')}"
        for w in witnesses or []
    )


class DraftOrderForm(forms.Form):
    """Change a draft order: its facility, day, transport and witnesses; the method and
    justification of each lot come from the inputs method_<lot id> and justification_<lot id>."""

    facility = forms.ModelChoiceField(queryset=Facility.objects.filter(active=True))
    planned_date = forms.DateField(widget=DateInput())
    carrier_name = OrderForm.base_fields["carrier_name"]
    carrier_registration = OrderForm.base_fields["carrier_registration"]
    vehicle = OrderForm.base_fields["vehicle"]
    seal_numbers = OrderForm.base_fields["seal_numbers"]
    planned_witnesses = OrderForm.base_fields["planned_witnesses"]

    clean_planned_witnesses = OrderForm.clean_planned_witnesses

    @classmethod
    def initial_for(cls, order) -> dict:
        return {
            "facility": order.facility_id,
            "planned_date": order.planned_date,
            "carrier_name": order.carrier_name,
            "carrier_registration": order.carrier_registration,
            "vehicle": order.vehicle,
            "seal_numbers": "\n".join(order.seal_numbers or []),
            "planned_witnesses": witness_lines(order.planned_witnesses),
        }

    def service_arguments(self, data, lines) -> dict:
        """The order's fields, and the methods and justifications posted for its lines."""
        arguments = dict(self.cleaned_data)
        arguments["seal_numbers"] = lines_of(arguments["seal_numbers"])
        allowed = dict(ALLOWED_METHODS)
        arguments["methods"] = {
            line.lot_id: method
            for line in lines
            if (method := data.get(f"method_{line.lot_id}", "")) in allowed
        }
        arguments["justifications"] = {
            line.lot_id: data[f"justification_{line.lot_id}"]
            for line in lines
            if f"justification_{line.lot_id}" in data
        }
        return arguments


class ApprovalForm(forms.Form):
    """The approval: one acknowledgement box per warning of the submit check (acknowledge_<n>),
    with a justification (justification_<n>) where the rule asks for one (X-MF-02)."""

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        for number, warning in enumerate(self.warnings):
            rule, lot = warning.get("rule", ""), warning.get("lot", "")
            named = f"{rule} (lot {lot})" if lot else rule
            self.fields[f"acknowledge_{number}"] = forms.BooleanField(
                label=f"I acknowledge {named}: {warning.get('message', '')}", required=False
            )
            if needs_justification(rule):
                self.fields[f"justification_{number}"] = forms.CharField(
                    label=f"Justification for {named}",
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=JUSTIFIED_RULES[rule].capitalize() + ".",
                )

    def rows(self):
        """Each warning with its bound fields, for the template."""
        return [
            {
                "warning": warning,
                "acknowledge": self[f"acknowledge_{number}"],
                "justification": self[f"justification_{number}"]
                if f"justification_{number}" in self.fields
                else None,
            }
            for number, warning in enumerate(self.warnings)
        ]

    def acknowledgements(self) -> list[services.Acknowledgement]:
        return [
            services.Acknowledgement(
                rule=warning.get("rule", ""),
                lot=warning.get("lot", ""),
                justification=self.cleaned_data.get(f"justification_{number}", ""),
            )
            for number, warning in enumerate(self.warnings)
            if self.cleaned_data.get(f"acknowledge_{number}")
        ]


class ScanLotsForm(forms.Form):
    """Add lots to a draft order by scanning their labels."""

    scanned = OrderForm.base_fields["scanned"]
    method = forms.ChoiceField(label="Method for the lots", choices=ALLOWED_METHODS)

    clean_scanned = OrderForm.clean_scanned


class OrderLotForm(forms.Form):
    """One lot of the order, by id: the forms of a row of the order page."""

    lot = LotIdField()

    def clean_lot(self) -> Lot:
        pk = self.cleaned_data["lot"]
        lot = Lot.objects.filter(pk=pk).first()
        if lot is None:
            raise ValidationError(f"No lot has id {pk}.")
        return lot


def reference_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=services.MAX_REFERENCE, required=False, help_text=help_text
    )


class LineReferencesForm(OrderLotForm):
    """The papers a line's method rests on; blank: none recorded."""

    right_holder_consent_reference = reference_field(
        "Right-holder consent", "Written consent to a non-destructive route (X-RH-02)."
    )
    customs_decision_reference = reference_field(
        "Customs decision", "Conditions of a non-destructive route (Art. 25(1)(a))."
    )
    lab_analysis_reference = reference_field(
        "Lab analysis report", "Active substances of chemicals identified (CHE-S3)."
    )
    excise_notification_reference = reference_field(
        "Excise notice", "Excise authority informed of the duty status (ALC-C1)."
    )

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.LINE_REFERENCES}


def posted_references(data, lot_id: int) -> dict[str, str]:
    """A planner row's references (inputs named <reference>_<lot id>, like its method)."""
    return {name: data.get(f"{name}_{lot_id}", "") for name in services.LINE_REFERENCES}


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DispatchForm(forms.Form):
    total_weight_kg = forms.DecimalField(
        label="Dispatch weight (kg)",
        max_digits=12,
        decimal_places=3,
        min_value=0,
        help_text="Weighed at loading (X-QM-02).",
    )
    seal_numbers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="One seal number per line."
    )
    vehicle = forms.CharField(max_length=80)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["seal_numbers"] = lines_of(data["seal_numbers"])
        return data


class RecordForm(forms.Form):
    started_at = forms.DateTimeField(
        label="Started", widget=DateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    ended_at = forms.DateTimeField(
        label="Ended", widget=DateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    gate_weight_kg = forms.DecimalField(
        label="Gate weight (kg)", max_digits=12, decimal_places=3, min_value=0
    )
    # Required by the service (X-QM-02); optional here so the service's message is shown.
    weighbridge_ticket = forms.CharField(max_length=services.MAX_TICKET, required=False)
    temperature_c = forms.IntegerField(
        label="Temperature (°C)", min_value=0, max_value=3000, required=False
    )
    residence_time_s = forms.DecimalField(
        label="Residence time (s)", max_digits=6, decimal_places=2, min_value=0, required=False
    )
    halogenated_over_1pct = forms.NullBooleanField(
        label="Halogenated content over 1 %", required=False, widget=forms.NullBooleanSelect
    )
    particle_size_mm = forms.DecimalField(
        label="Shredding particle size (mm)",
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
    )
    liquid_volume_l = forms.DecimalField(
        label="Liquid volume (l)",
        max_digits=12,
        decimal_places=3,
        min_value=0,
        required=False,
        help_text="Liquids destroyed, besides the mass (COS-C1).",
    )
    decomposition_state = forms.ChoiceField(
        label="Decomposition state of food",
        choices=[("", "—"), *DecompositionState.choices],
        required=False,
        help_text="Food goods only (FOOD-C1).",
    )
    debranded = forms.BooleanField(label="De-branding done", required=False)
    batteries_removed = forms.BooleanField(required=False)
    aerosols_degassed = forms.BooleanField(required=False)
    denatured = forms.BooleanField(
        label="Denatured (unsmokeable or undrinkable)",
        required=False,
        help_text="Spirits or tobacco, before recovery (ALC-M2, TOB-M2).",
    )
    pyrotechnics_neutralised = forms.BooleanField(
        label="Pyrotechnics neutralised",
        required=False,
        help_text="Air-bag inflators or pretensioners (AUT-M2).",
    )
    customs_officer_present = forms.BooleanField(
        label="A customs officer attended", required=False, initial=True
    )
    officer_absence_reason = forms.CharField(
        label="Why no officer attended",
        required=False,
        max_length=services.MAX_ABSENCE_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deviation_justification = forms.CharField(
        label="Mass balance deviation justification",
        required=False,
        max_length=services.MAX_JUSTIFICATION,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when gate, dispatch and output weights differ beyond the tolerance.",
    )

    @classmethod
    def initial_for(cls, order) -> dict:
        now = timezone.localtime().replace(second=0, microsecond=0)
        start = now - datetime.timedelta(hours=1)
        if order.dispatched_at:
            # Never before the goods left: the service refuses that.
            start = max(
                start, timezone.localtime(order.dispatched_at).replace(second=0, microsecond=0)
            )
        return {
            "started_at": start,
            "ended_at": now,
            "gate_weight_kg": order.dispatch_weight_kg,
            "customs_officer_present": True,
        }


class OutputForm(forms.Form):
    route = forms.ChoiceField(choices=[("", "—"), *OutputRoute.choices])
    weight_kg = forms.DecimalField(
        label="Weight (kg)", max_digits=12, decimal_places=3, min_value=0
    )
    destination = forms.CharField(
        label="Downstream destination",
        max_length=services.MAX_DESTINATION,
        required=False,
        help_text="Needed for a fraction of more than 0 kg (X-MF-07).",
    )
    operation_code = forms.ChoiceField(
        label="R/D code at the destination",
        choices=[("", "—"), *((code, code) for code in OPERATION_CODES)],
        required=False,
    )
    ewc_code = forms.CharField(
        label="EWC code of the fraction",
        max_length=20,
        required=False,
        help_text="Its code in the EU List of Waste, e.g. 19 12 08.",
    )
    destination_permit = forms.CharField(
        label="Permit of the destination", max_length=services.MAX_OUTPUT_REFERENCE, required=False
    )
    shipment_reference = forms.CharField(
        label="Shipment reference",
        max_length=services.MAX_OUTPUT_REFERENCE,
        required=False,
        help_text="Consignment note or waste shipment document.",
    )


class WitnessForm(forms.Form):
    name = forms.CharField(max_length=200)
    organisation = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=[("", "—"), *Witness.Role.choices])


class EvidenceForm(forms.Form):
    # The empty choice keeps an untouched row of a formset unchanged (and skipped).
    kind = forms.ChoiceField(choices=[("", "—"), *EvidenceFile.Kind.choices])
    file = forms.FileField(help_text="JPEG, PNG, WebP, PDF, MP4 or QuickTime.")


OutputFormSet = forms.formset_factory(OutputForm, extra=3, max_num=20, validate_max=True)
WitnessFormSet = forms.formset_factory(WitnessForm, extra=2, max_num=20, validate_max=True)
EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=3, max_num=20, validate_max=True)


def filled(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.has_changed() and f.cleaned_data]


def record_arguments(form, outputs, witnesses, evidence, methods: dict[int, str]) -> dict:
    return {
        **form.cleaned_data,
        "actual_methods": methods,
        "outputs": [services.OutputInput(**row) for row in filled(outputs)],
        "witnesses": [services.WitnessInput(**row) for row in filled(witnesses)],
        "evidence": [services.EvidenceInput(**row) for row in filled(evidence)],
    }


def apply_service_error(error: ValidationError, form: forms.Form) -> None:
    """Show a service's ValidationError on the fields it names, the rest above the form."""
    for key, messages in error.message_dict.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


class ReceiptForm(forms.Form):
    """The receipt at the facility's gate (the page takes the total weight and one
    discrepancy; the API also takes weights per lot and several discrepancies)."""

    gate_at = forms.DateTimeField(
        label="Gate time", widget=DateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    weighbridge_ticket = forms.CharField(max_length=services.MAX_TICKET, required=False)
    total_weight_kg = forms.DecimalField(
        label="Gate weight (kg)", max_digits=12, decimal_places=3, min_value=0
    )
    seals_intact = forms.BooleanField(label="All seals intact", required=False, initial=True)
    broken_seals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="The broken seals, one number per line.",
    )
    discrepancy = forms.ChoiceField(
        choices=[("", "None"), *ReceiptDiscrepancy.choices], required=False
    )
    discrepancy_lot = forms.CharField(label="Lot concerned", max_length=50, required=False)
    discrepancy_note = forms.CharField(label="What did not match", max_length=2000, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["broken_seals"] = lines_of(data["broken_seals"])
        kind = data.pop("discrepancy")
        lot, note = data.pop("discrepancy_lot"), data.pop("discrepancy_note")
        data["discrepancies"] = (
            [services.ReceiptDiscrepancyInput(kind=kind, note=note, lot_reference=lot)]
            if kind
            else []
        )
        return data
