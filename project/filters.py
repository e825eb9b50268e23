"""Filters shared by the apps' FilterSets, and the FilterSet base every list uses: one place
decides how a list's filters look on a page (which open first, which wait under "More filters",
checkboxes rather than Ctrl-click lists, labelled date boxes)."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters import widgets

# How many filters a list page shows before "More filters" when its FilterSet names none: a
# search box and four more fit one row at 1366 px, above the results.
PRIMARY_FILTER_COUNT = 5

# Yes/no as a query string spells it: the page's select sends true/false (empty for any; links
# saved before may say "unknown"), API clients often send 1/0.
BOOLEAN_VALUES = {"true": True, "false": False, "1": True, "0": False}


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` whose terms are all empty (`?ordering=,`) keeps the default ordering instead
    of clearing it, so pages stay stable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Sort by")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, [term for term in value or [] if term])


class YesNoSelect(forms.NullBooleanSelect):
    """Any, yes or no. Hands the raw value to the field, which reads or refuses it; Django's
    select would read an unknown value as "any" and silently list everything."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # "Unknown" read as a value of its own; an empty filter means any.
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]

    def format_value(self, value):
        # A list, as other choice widgets give: the empty choice must match only "any".
        formatted = super().format_value(value)
        return ["" if formatted == "unknown" else formatted]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class YesNoField(forms.NullBooleanField):
    """Yes, no or any (empty); whatever the widget, an unreadable value is an error."""

    widget = YesNoSelect

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        if value in ("", "unknown"):
            return None
        if value.lower() in BOOLEAN_VALUES:
            return BOOLEAN_VALUES[value.lower()]
        raise ValidationError(
            "Use true or false (or 1 or 0), not %(value)r.",
            code="invalid",
            params={"value": value[:50]},
        )


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses a value it cannot read (a 400 in the API, a form error on
    the page) instead of ignoring it."""

    field_class = YesNoField


def date_input() -> forms.DateInput:
    """The browser's date picker; its value is ISO whatever the locale shows."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateRangeWidget(widgets.DateRangeWidget):
    """Two date pickers, each with its own visible label ("From", "To"); the field's label is
    the legend of their group (see includes/field.html)."""

    template_name = "includes/widgets/date_range.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [date_input(), date_input()]


class FilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet. `primary_filters` names the filters a page shows
    first (FilterLayout). Choices of several values are checkboxes (a tablet has no
    Ctrl-click), dates are pickers; the API reads the same filters, widgets only change how a
    page renders them."""

    primary_filters: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for declared in self.filters.values():
            # A form field built on the class's filter before it knew its model (the OpenAPI
            # schema reads them) has no label; this copy builds its own, with the widget below.
            vars(declared).pop("_field", None)
            if isinstance(declared, django_filters.OrderingFilter):
                # Other choices read "Any" when empty (FILTERS_EMPTY_CHOICE_LABEL).
                declared.extra["empty_label"] = "Default order"
            if "widget" in declared.extra:
                continue
            if isinstance(declared, django_filters.MultipleChoiceFilter):
                declared.extra["widget"] = forms.CheckboxSelectMultiple
            elif isinstance(declared, django_filters.DateFromToRangeFilter):
                declared.extra["widget"] = DateRangeWidget
            elif isinstance(declared, django_filters.DateFilter):
                declared.extra["widget"] = date_input()


@dataclass(frozen=True)
class FilterLayout:
    """A list's filters as its page shows them (includes/filter_form.html): the primary ones
    open, the rest under "More filters", open by itself when one of them is set or refused.
    Works for any object with a `form` and, optionally, `primary_filters`."""

    primary: list[forms.BoundField]
    more: list[forms.BoundField]
    more_open: bool

    @classmethod
    def of(cls, filterset) -> "FilterLayout":
        fields = filterset.form.visible_fields()
        names = getattr(filterset, "primary_filters", ())
        primary = (
            [field for field in fields if field.name in names]
            if names
            else fields[:PRIMARY_FILTER_COUNT]
        )
        more = [field for field in fields if field not in primary]
        more_open = filterset.form.is_bound and any(
            field.errors or is_set(field.value()) for field in more
        )
        return cls(primary=primary, more=more, more_open=more_open)


def is_set(value) -> bool:
    """A filter's raw value says something (a range or a choice list may hold only blanks)."""
    if isinstance(value, list | tuple):
        return any(is_set(item) for item in value)
    return value not in (None, "")
