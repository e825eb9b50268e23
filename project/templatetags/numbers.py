"""`{{ value|quantity }}`: weights and counts written one way on every page (a builtin, see
settings.TEMPLATES)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

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
