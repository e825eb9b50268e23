"""The year and office selectors of the statistics page."""

from django import forms
from django.db.models import Max, Min
from django.utils import timezone

from seizures.models import CustomsOffice, Seizure
from seizures.scoping import scope_of


def year_choices() -> tuple[list[int], int]:
    """Years to choose from, newest first (from the first detention, or last year, to this year
    or the latest detention), and the year the page opens on: the latest year with a detention,
    so it opens on figures; without any seizure, last year."""
    span = Seizure.objects.aggregate(first=Min("detained_on"), last=Max("detained_on"))
    today = timezone.localdate()
    first = min(span["first"].year, today.year - 1) if span["first"] else today.year - 1
    last = max(span["last"].year, today.year) if span["last"] else today.year
    default = span["last"].year if span["last"] else today.year - 1
    return list(range(last, first - 1, -1)), default


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label="Year", coerce=int)
    office = forms.ModelChoiceField(
        label="Office",
        queryset=CustomsOffice.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="All offices",
    )

    def __init__(self, *args, years: list[int], user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        # The user's offices; "All offices" for national users only (seizures.scoping).
        office = self.fields["office"]
        office.queryset = office.queryset.visible_to(user)
        if not scope_of(user).national:
            office.required = True
            office.empty_label = None

    def default_office(self) -> CustomsOffice | None:
        """The office the page opens on: all offices for national users, else the first."""
        office = self.fields["office"]
        return None if office.empty_label is not None else office.queryset.first()


class CloseYearForm(forms.Form):
    """Closing a year, or revising a closed one (then the reason is required)."""

    reason = forms.CharField(
        label="What this edition corrects (required for a revision)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    accept_quality_issues = forms.BooleanField(
        label="Close the year despite the data-quality issues listed", required=False
    )
