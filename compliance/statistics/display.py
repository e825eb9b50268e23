"""How figures read on the page and in the PDF: thousands separators, ratios as percentages,
changes with a sign (ratios change in percentage points)."""

from decimal import Decimal

from compliance.statistics.annual import Comparison
from compliance.statistics.dictionary import MEASURES

DASH = "–"


def is_ratio(measure: str) -> bool:
    return MEASURES[measure].unit == "ratio 0-1"


def _plain(value: int | Decimal, sign: str = "") -> str:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return f"{value:{sign},.{places}f}"
    return f"{value:{sign},}"


def figure_text(measure: str, value: int | Decimal | None) -> str:
    if value is None:
        return DASH
    if is_ratio(measure):
        return f"{value * 100:.1f} %"
    return _plain(value)


def change_text(measure: str, comparison: Comparison) -> str:
    change = comparison.change
    if change is None:
        return DASH
    if change == 0:
        return "0.0 pts" if is_ratio(measure) else "0"
    if is_ratio(measure):
        return f"{change * 100:+.1f} pts"
    text = _plain(change, "+")
    if comparison.change_percent is not None:
        text += f" ({comparison.change_percent:+}%)"
    return text
