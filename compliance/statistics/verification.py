"""Rollups against a full recount: every figure of every year (all offices and each office),
as `verify_statistics` prints them. An empty list means the rollups are right."""

from collections.abc import Iterable

from django.db.models import Max, Min
from django.utils import timezone

from compliance.statistics.dictionary import BREAKDOWNS
from compliance.statistics.figures import Row, Scope
from compliance.statistics.rollup_figures import RecountFigures, RollupFigures
from destruction.costs.models import CostEntry
from destruction.models import DestructionRecord
from seizures.models import CustomsOffice, Seizure


def years_with_data() -> list[int]:
    """From the first detention, destruction or cost to this year (a stock carries over
    years)."""
    detained = Seizure.objects.aggregate(first=Min("detained_on"), last=Max("detained_on"))
    ended = DestructionRecord.objects.aggregate(first=Min("ended_at"), last=Max("ended_at"))
    incurred = CostEntry.objects.aggregate(first=Min("incurred_on"), last=Max("incurred_on"))
    days = (*detained.values(), *ended.values(), *incurred.values())
    years = [day.year for day in days if day is not None]
    if not years:
        return []
    return list(range(min(years), max(*years, timezone.localdate().year) + 1))


def scope_differences(scope: Scope) -> list[str]:
    where = f"{scope.year} {scope.office.code if scope.office else 'all offices'}"
    rolled, recounted = RollupFigures(scope), RecountFigures(scope)
    problems = []
    for totals in ("enforcement_totals", "environment_totals", "cost_totals"):
        now, expected = getattr(rolled, totals)(), getattr(recounted, totals)()
        for measure, figure in expected.items():
            if now.get(measure) != figure:
                problems.append(
                    f"{where} total {measure}: rollups {now.get(measure)} != recount {figure}"
                )
    for key in BREAKDOWNS:
        problems += row_differences(
            f"{where} {key}", rolled.breakdown_rows(key), recounted.breakdown_rows(key)
        )
    return problems


def row_differences(where: str, rolled: list[Row], recounted: list[Row]) -> list[str]:
    now = {row.value: row for row in rolled}
    expected = {row.value: row for row in recounted}
    problems = []
    for value in sorted(now.keys() | expected.keys()):
        if value not in expected:
            problems.append(f"{where}={value}: in the rollups only")
        elif value not in now:
            problems.append(f"{where}={value}: missing from the rollups")
        else:
            for measure, figure in expected[value].figures.items():
                found = now[value].figures.get(measure)
                if found != figure:
                    problems.append(
                        f"{where}={value} {measure}: rollups {found} != recount {figure}"
                    )
    return problems


def differences(years: Iterable[int] | None = None, each_office: bool = True) -> list[str]:
    offices: list[CustomsOffice | None] = [None]
    if each_office:
        offices += list(CustomsOffice.objects.order_by("code"))
    problems = []
    for year in years_with_data() if years is None else years:
        for office in offices:
            problems += scope_differences(Scope.load(year, office))
    return problems
