"""A year's figures beside the previous year's, computed lazily: an export that streams asks
for one breakdown at a time, so its first bytes leave before the last query runs."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from compliance.statistics.dictionary import BREAKDOWNS, TOTALS, Section
from compliance.statistics.figures import (
    UNITS,
    VOCABULARY_ORDER,
    ZERO_WHEN_EMPTY,
    Figure,
    Row,
    Scope,
)
from compliance.statistics.rollup_figures import RecountFigures, RollupFigures
from seizures.models import CustomsOffice

PERCENT = Decimal("0.1")
MIN_YEAR, MAX_YEAR = 1900, 2999
OFFICE_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Comparison:
    """A figure of the year beside the previous year's."""

    figure: Figure
    previous: Figure

    @property
    def change(self) -> Figure:
        if self.figure is None or self.previous is None:
            return None
        return self.figure - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        change = self.change
        if change is None or not self.previous:
            return None
        return (Decimal(change) * 100 / Decimal(self.previous)).quantize(
            PERCENT, rounding=ROUND_HALF_UP
        )

    def as_dict(self) -> dict[str, Figure]:
        return {
            "figure": self.figure,
            "previous": self.previous,
            "change": self.change,
            "change_percent": self.change_percent,
        }


@dataclass(frozen=True)
class ComparedRow:
    value: str
    label: str
    figures: dict[str, Comparison]


def absent(measure: str) -> Figure:
    """The figure of a row that has no data in a year: 0 for counts and sums."""
    if measure not in ZERO_WHEN_EMPTY:
        return None
    unit = UNITS[measure]
    return 0 if unit is None else Decimal("0").quantize(unit)


def compare_rows(
    key: str, current: list[Row], previous: list[Row], measures: tuple[str, ...]
) -> list[ComparedRow]:
    """Pair the (few, aggregated) rows of two years by value and put them in report order."""
    now = {row.value: row for row in current}
    before = {row.value: row for row in previous}
    values = set(now) | set(before)
    order = VOCABULARY_ORDER.get(key)
    if order is not None:
        position = {value: n for n, value in enumerate(order)}
        ordered = sorted(values, key=lambda v: (position.get(v, len(position)), v))
    else:
        size = "articles" if "articles" in measures else measures[0]
        ordered = sorted(
            values,
            key=lambda v: (-(now[v].figures.get(size) or 0) if v in now else 0, v),
        )
    rows = []
    for value in ordered:
        this, last = now.get(value), before.get(value)
        label = (this or last).label
        rows.append(
            ComparedRow(
                value,
                label,
                {
                    m: Comparison(
                        this.figures.get(m) if this else absent(m),
                        last.figures.get(m) if last else absent(m),
                    )
                    for m in measures
                },
            )
        )
    return rows


class AnnualStatistics:
    """The statistics of one year (and optionally one office), with year-on-year comparison."""

    def __init__(
        self,
        year: int,
        office: CustomsOffice | None = None,
        source: type[RollupFigures | RecountFigures] = RollupFigures,
        cache_seconds: int = 0,
    ) -> None:
        """`source`: the rollups (the default), or a full recount from the base tables.
        `cache_seconds`: how long the figures may be served from the shared cache (an open
        year's pages and exports); 0, the default, computes them (editions, verification)."""
        self.cache_seconds = cache_seconds
        self.year = year
        self.previous_year = year - 1
        self.office = office
        self.reporting_currency = settings.REPORTING_CURRENCY
        self.scope = Scope.load(year, office)
        self.previous_scope = Scope.load(year - 1, office)
        self.figures = source(self.scope)
        self.previous_figures = source(self.previous_scope)
        self._totals: dict[str, dict[str, Comparison]] | None = None
        self._breakdowns: dict[str, list[ComparedRow]] = {}

    def totals(self) -> dict[str, dict[str, Comparison]]:
        if self._totals is None:
            self._totals = self._cached("totals", self._compute_totals)
        return self._totals

    def _compute_totals(self) -> dict[str, dict[str, Comparison]]:
        now = {
            **self.figures.enforcement_totals(),
            **self.figures.environment_totals(),
            **self.figures.cost_totals(),
        }
        before = {
            **self.previous_figures.enforcement_totals(),
            **self.previous_figures.environment_totals(),
            **self.previous_figures.cost_totals(),
        }
        return {
            section: {m: Comparison(now[m], before[m]) for m in measures}
            for section, measures in TOTALS.items()
        }

    def _cached(self, part: str, compute: Callable[[], Any]) -> Any:
        """A part of the figures from the shared cache (Redis with several app servers) for
        `cache_seconds`: a page, its exports and charts asked at once by several users compute
        it once."""
        if not self.cache_seconds:
            return compute()
        office = self.office.pk if self.office else "all"
        source = type(self.figures).__name__
        key = f"statistics:{self.year}:{office}:{self.reporting_currency}:{source}:{part}"
        return cache.get_or_set(key, compute, self.cache_seconds)

    def total(self, measure: str) -> Comparison | None:
        for figures in self.totals().values():
            if measure in figures:
                return figures[measure]
        return None

    def breakdown(self, key: str) -> list[ComparedRow]:
        if key not in self._breakdowns:
            self._breakdowns[key] = self._cached(
                f"breakdown:{key}",
                lambda: compare_rows(
                    key,
                    self.figures.breakdown_rows(key),
                    self.previous_figures.breakdown_rows(key),
                    BREAKDOWNS[key].measures,
                ),
            )
        return self._breakdowns[key]

    def breakdowns(self, section: Section | None = None) -> list[tuple[str, list[ComparedRow]]]:
        return [
            (key, self.breakdown(key))
            for key, info in BREAKDOWNS.items()
            if section is None or info.section == section
        ]

    def exchange_rates(self) -> list[dict]:
        return [
            {"currency": code, "rate": rate}
            for code, rate in sorted(self.scope.rates.items())
            if code != self.reporting_currency
        ]

    def unconverted(self) -> list[dict]:
        """Currencies of the year with a value but no rate: never guessed, listed instead."""
        return [
            {
                "currency": row.value,
                "retail_value": row.figures["retail_value_original"].figure,
                "lots": row.figures["lots"].figure,
            }
            for row in self.breakdown("currency")
            if row.figures["rate"].figure is None and row.figures["lots"].figure
        ]

    def office_dict(self) -> dict | None:
        if self.office is None:
            return None
        return {"code": self.office.code, "name": self.office.name}

    @property
    def title(self) -> str:
        where = f"{self.office.code} {self.office.name}" if self.office else "all offices"
        return f"Annual statistics {self.year}, {where}"

    def filename(self, extension: str) -> str:
        code = re.sub(r"[^A-Za-z0-9_-]", "_", self.office.code) if self.office else ""
        where = f"-{code}" if code else ""
        return f"statistics-{self.year}{where}.{extension}"


def find_office(value: str, offices: QuerySet[CustomsOffice]) -> CustomsOffice:
    """An office among `offices` (the user's) by its code or its id (API `office=`, page
    downloads): a ValidationError names the field."""
    value = (value or "").strip()
    # PostgreSQL refuses a NUL in a string with an error of its own: no code holds one anyway.
    office = None if "\x00" in value else offices.filter(code=value).first()
    # ASCII digits only (str.isdigit() takes '²' and '١'); 18 digits stay within a bigint.
    if office is None and OFFICE_ID.fullmatch(value):
        office = offices.filter(pk=int(value)).first()
    if office is None:
        raise ValidationError({"office": [f"No customs office has the code or id {value!r}."]})
    return office


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": [f"Give a year between {MIN_YEAR} and {MAX_YEAR}."]})
    return year
