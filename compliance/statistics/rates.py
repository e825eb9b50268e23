"""The yearly exchange-rate table used to convert retail values into the reporting currency."""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from compliance.models import ExchangeRate

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def set_exchange_rates(*, year: int, rates: dict[str, Decimal | str], actor) -> list[ExchangeRate]:
    """Create or replace the rates of a year (reporting-currency units per 1 unit of each
    currency). The reporting currency itself always converts at 1 and is not stored."""
    errors: dict[str, list[str]] = {}
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        errors["year"] = ["Give a year between 1900 and 2999."]
    cleaned: dict[str, Decimal] = {}
    for code, value in rates.items():
        code = (code or "").strip().upper()
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            rate = Decimal("0")
        if not CURRENCY_CODE.match(code):
            errors.setdefault("rates", []).append(f"{code!r} is not an ISO 4217 currency code.")
        elif code == settings.REPORTING_CURRENCY:
            errors.setdefault("rates", []).append(
                f"{code} is the reporting currency: it always converts at 1."
            )
        elif not rate.is_finite() or rate <= 0:
            errors.setdefault("rates", []).append(f"The rate of {code} must be above 0.")
        else:
            cleaned[code] = rate
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        return [
            ExchangeRate.objects.update_or_create(
                year=year, currency=code, defaults={"rate": rate}
            )[0]
            for code, rate in sorted(cleaned.items())
        ]
