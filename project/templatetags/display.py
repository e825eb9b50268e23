"""Numbers and dates written one way on every page, as the active locale writes them (builtins,
see settings.TEMPLATES): `{{ weight|quantity }}`, and `{{ snapshot.issued_at|when }}` for a date
kept as ISO text (a certificate's frozen snapshot); date objects take `|date`."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()

# Weights are kept to the gram (DecimalField(decimal_places=3)).
GRAM = Decimal("0.001")


@register.filter
def quantity(value):
    """A weight or a count as the active locale writes numbers, thousands grouped, at most three
    decimals and no trailing zeros: 2,600 · 1.9 · 1,492.5 (a sum of weights may come back from
    the database as 1.90000000000000). Snapshot values arrive as strings; anything that is not a
    number is shown as it is."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value)).quantize(GRAM)
    except (InvalidOperation, ValueError):
        return value
    number = number.normalize() if number % 1 else number.to_integral_value()
    return formats.number_format(number, force_grouping=True)


@register.filter
def when(value):
    """An ISO date ("2026-12-15") or date-time as the locale's DATE_FORMAT or DATETIME_FORMAT
    (local time); anything else as it is."""
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value) if "T" in value else parse_date(value)
        except ValueError:  # well formed but impossible (2026-02-30)
            parsed = None
        value = parsed or value
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value
