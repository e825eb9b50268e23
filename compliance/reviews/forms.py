"""The auditor's decision form: a decision, a comment and up to three findings."""

from django import forms

from compliance.models import CertificateReview
from compliance.reviews.services import SEVERITIES

FINDING_ROWS = 3


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=CertificateReview.Decision.choices, widget=forms.RadioSelect, label="Decision"
    )
    comment = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingForm(forms.Form):
    rule = forms.CharField(required=False, max_length=40, label="Rule id", help_text="e.g. X-CE-02")
    severity = forms.ChoiceField(
        choices=[(s, s.capitalize()) for s in SEVERITIES], initial="warning", label="Severity"
    )
    message = forms.CharField(required=False, max_length=2000, label="Finding")

    def has_changed(self) -> bool:
        # A row with only the default severity is an empty row, not a finding.
        return bool(
            self.data.get(self.add_prefix("rule")) or self.data.get(self.add_prefix("message"))
        )


FindingFormSet = forms.formset_factory(FindingForm, extra=FINDING_ROWS, max_num=FINDING_ROWS)


def findings_from(formset) -> list[dict[str, str]]:
    return [form.cleaned_data for form in formset.forms if form.has_changed() and form.cleaned_data]
