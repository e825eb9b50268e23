"""The right holder's answer forms; each feeds one service of seizures.services.right_holders."""

from django import forms
from django.utils import timezone

from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS
from seizures.services.right_holders import MAX_SAMPLE_ARTICLES
from seizures.validation import MAX_TEXT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def reason_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmInfringementForm(forms.Form):
    note = reason_field("Note", required=False)


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(
        label="Agreement dated",
        widget=DATE,
        initial=timezone.localdate,
        help_text="Art. 23(1)(a): the right holder agrees to the destruction of the goods.",
    )


class RefusalForm(forms.Form):
    reason = reason_field("Why destruction is refused")


class SampleRequestForm(forms.Form):
    articles = forms.IntegerField(
        label="Articles wanted", min_value=1, max_value=MAX_SAMPLE_ARTICLES
    )
    reason = reason_field("What the samples are for (Art. 19)")


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(
        label="Working days asked for",
        min_value=1,
        max_value=MAX_PROCEEDINGS_EXTENSION_DAYS,
    )
    reason = reason_field("Why more time is needed (Art. 23(4))")
