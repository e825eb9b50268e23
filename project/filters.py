"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters

# Yes/no as a query string spells it: the page's select sends true/false ("unknown" for any),
# API clients often send 1/0.
BOOLEAN_VALUES = {"true": True, "false": False, "1": True, "0": False}


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` whose terms are all empty (`?ordering=,`) keeps the default ordering instead
    of clearing it, so pages stay stable."""

    def filter(self, qs, value):
        return super().filter(qs, [term for term in value or [] if term])


class YesNoSelect(forms.NullBooleanSelect):
    """Hands the raw value to the field, which reads or refuses it; Django's select would read
    an unknown value as "any" and silently list everything."""

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
