"""Forms of the cost pages: they parse input into the cost services' arguments."""

import datetime

from django import forms
from django.utils import timezone

from destruction.forms import DateInput
from seizures.models import RightHolder, Seizure


class IssueStatementForm(forms.Form):
    right_holder = forms.ModelChoiceField(queryset=RightHolder.objects.all())
    period_from = forms.DateField(label="Costs incurred from", widget=DateInput())
    period_to = forms.DateField(label="to", widget=DateInput())
    seizure = forms.ModelChoiceField(
        queryset=Seizure.objects.only("pk", "reference").order_by("-id"),
        required=False,
        to_field_name="reference",
        widget=forms.TextInput(attrs={"placeholder": "e.g. BRU-2026-00012"}),
        help_text="Optional: one seizure's costs only (its reference).",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A seizure of the user's offices (seizures.scoping).
        self.fields["seizure"].queryset = self.fields["seizure"].queryset.visible_to(user)
        today = timezone.localdate()
        self.fields["period_from"].initial = datetime.date(today.year, 1, 1)
        self.fields["period_to"].initial = today


class PaymentForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label="Paid on", widget=DateInput())
    reference = forms.CharField(max_length=80, required=False, label="Payment reference")
