"""The figures of one year read from the rollups (compliance.statistics.rollups): six small
GROUP BY queries over a few thousand rows at most, whatever the number of lots. The figures are
the same as figures.py's full recount, figure by figure (`verify_statistics` checks it); the
rounding, labels and row order are figures.py's."""

import math
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django_countries import countries

from compliance.models import (
    CostRollup,
    DestructionDelayRollup,
    DestructionRollup,
    EnforcementRollup,
    EventRollup,
    OutputRollup,
    RetailValueRollup,
    StockRollup,
)
from compliance.statistics import figures
from compliance.statistics.dictionary import Outcome
from compliance.statistics.figures import (
    COST_METHOD_LABELS,
    HAZARDOUS,
    MONTH_NAMES,
    NON_HAZARDOUS,
    P90,
    RECOVERY_ROUTES,
    WASTE_HAZARD_LABELS,
    Figure,
    Row,
    Scope,
    choices,
    cleaned,
    labelled,
    ratio,
    unrated_left_out,
)
from compliance.statistics.rollups import FLAGGED, ISSUED, ORDERS, REVOKED
from destruction.costs.models import CostKind, Payer
from destruction.methods import METHODS, HierarchyRank, Method
from destruction.models import OutputRoute
from seizures.categories import MAIN_CATEGORY_NAMES, ProductCategory
from seizures.models import (
    ActionType,
    CustomsOffice,
    CustomsProcedure,
    IPRType,
    LegalRoute,
    TrafficType,
    TransportMode,
)
from seizures.waste_codes import chapters

Labels = dict[str, str] | Callable[[str], str]
ENFORCEMENT_LABELS: dict[str, Labels] = {
    "category": MAIN_CATEGORY_NAMES,
    "subcategory": choices(ProductCategory),
    "provenance_country": lambda code: countries.name(code) or code,
    "transport_mode": choices(TransportMode),
    "traffic_type": choices(TrafficType),
    "ipr_type": choices(IPRType),
    "customs_procedure": choices(CustomsProcedure),
    "action_type": choices(ActionType),
    "legal_route": choices(LegalRoute),
    "outcome": choices(Outcome),
}


def summed(rows: list[dict], group: Callable[[dict], Any], measures: dict[str, str]) -> dict:
    """Rows added up by `group(row)`: {group: {figure: sum}}; a sum over no value is None."""
    result: dict[Any, dict[str, Any]] = {}
    for row in rows:
        target = result.setdefault(group(row), {figure: None for figure in measures})
        for figure, column in measures.items():
            if row[column] is not None:
                target[figure] = (target[figure] or 0) + row[column]
    return result


def percentile(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """percentile_cont over a histogram of whole values (value, count), sorted by value."""
    count = sum(n for _, n in histogram)
    if not count:
        return None
    position = fraction * (count - 1)
    lower = math.floor(position)
    below, values = 0, []
    for value, n in histogram:
        # The values at ranks `lower` and `lower + 1` (0-based), as ORDER BY ... OFFSET reads.
        while len(values) < 2 and lower + len(values) < below + n:
            values.append(value)
        below += n
        if len(values) == 2:
            break
    if len(values) == 1:
        return float(values[0])
    return values[0] + (position - lower) * (values[1] - values[0])


class RollupFigures:
    """One scope (year, office) read from the rollups; each rollup is read once, on demand."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._cache: dict[str, Any] = {}

    # --- reading ---

    def _in_year(self, queryset: QuerySet, field: str = "month") -> QuerySet:
        scope = self.scope
        queryset = queryset.filter(
            **{f"{field}__gte": scope.first_day, f"{field}__lte": scope.last_day}
        )
        if scope.office is not None:
            queryset = queryset.filter(office=scope.office)
        return queryset.order_by()

    def _read(self, name: str, read: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = read()
        return self._cache[name]

    def enforcement(self) -> dict[tuple[str, str], dict[str, Any]]:
        """{(dimension, value): figures} with the retail value converted at the year's rates."""

        def read():
            counted = self._in_year(EnforcementRollup.objects).values("dimension", "value")
            counted = counted.annotate(
                cases=Sum("cases"), lots=Sum("lots"), articles=Sum("articles")
            )
            rows = {
                (row["dimension"], row["value"]): {
                    "cases": row["cases"],
                    "lots": row["lots"],
                    "articles": row["articles"],
                    "retail_value": None,
                    "retail_value_original": None,
                    "unconverted_lots": 0,
                }
                for row in counted
                if row["cases"]
            }
            values = self._in_year(RetailValueRollup.objects).values(
                "dimension", "value", "currency"
            )
            values = values.annotate(lots=Sum("lots"), retail_value=Sum("retail_value"))
            for row in values:
                target = rows.get((row["dimension"], row["value"]))
                if target is None:
                    continue
                value = Decimal(row["retail_value"] or 0)
                target["retail_value_original"] = (target["retail_value_original"] or 0) + value
                rate = self.scope.rates.get(row["currency"])
                if rate is None:
                    target["unconverted_lots"] += row["lots"]
                else:
                    target["retail_value"] = (target["retail_value"] or 0) + value * rate
            return rows

        return self._read("enforcement", read)

    def destruction(self) -> list[dict]:
        def read():
            rows = self._in_year(DestructionRollup.objects).values(
                "method", "hazardous", "ewc_chapter"
            )
            rows = rows.annotate(lots=Sum("lots"), articles=Sum("articles"), kg=Sum("kg"))
            return [row for row in rows if row["lots"]]

        return self._read("destruction", read)

    def outputs(self) -> list[dict]:
        def read():
            rows = self._in_year(OutputRollup.objects).values("month", "route")
            rows = rows.annotate(fractions=Sum("fractions"), kg=Sum("kg"))
            return [{**row, "number": row["month"].month} for row in rows if row["fractions"]]

        return self._read("outputs", read)

    def delays(self) -> list[tuple[int, int]]:
        def read():
            rows = self._in_year(DestructionDelayRollup.objects).values("days")
            rows = rows.annotate(lots=Sum("lots")).order_by("days")
            return [(row["days"], row["lots"]) for row in rows if row["lots"]]

        return self._read("delays", read)

    def events(self) -> dict[str, int]:
        def read():
            rows = self._in_year(EventRollup.objects).values("event").annotate(n=Sum("count"))
            return {row["event"]: row["n"] for row in rows}

        return self._read("events", read)

    def costs(self) -> list[dict]:
        """The cost rollup of the year by office, dimension, value and currency: a few hundred
        rows, each breakdown adds up its own."""

        def read():
            rows = self._in_year(CostRollup.objects).values(
                "office", "dimension", "value", "currency"
            )
            rows = rows.annotate(entries=Sum("entries"), amount=Sum("amount"))
            return [row for row in rows if row["entries"]]

        return self._read("costs", read)

    def stock_at_year_end(self) -> dict[str, Any]:
        stock = StockRollup.objects.filter(day__lte=self.scope.last_day)
        if self.scope.office is not None:
            stock = stock.filter(office=self.scope.office)
        values = stock.order_by().aggregate(lots=Sum("lots"), kg=Sum("kg"))
        return {
            "lots_in_storage_at_year_end": values["lots"],
            "kg_in_storage_at_year_end": values["kg"],
        }

    # --- figures ---

    def enforcement_totals(self) -> dict[str, Figure]:
        rows = self.enforcement()
        values = summed(
            [row for (dimension, _), row in rows.items() if dimension == "office"],
            lambda row: "",
            {m: m for m in ("cases", "lots", "articles", "retail_value", "unconverted_lots")},
        ).get("", {})
        return cleaned(
            {
                m: values.get(m)
                for m in ("cases", "lots", "articles", "retail_value", "unconverted_lots")
            }
        )

    def environment_totals(self) -> dict[str, Figure]:
        lines = summed(
            self.destruction(),
            lambda row: "",
            {"lots_destroyed": "lots", "articles_destroyed": "articles", "kg_destroyed": "kg"},
        ).get("", {"lots_destroyed": None, "articles_destroyed": None, "kg_destroyed": None})
        hazardous = [row["kg"] for row in self.destruction() if row["hazardous"]]
        outputs = self.outputs()
        output_kg = [row["kg"] for row in outputs]
        recovered = [row["kg"] for row in outputs if row["route"] in RECOVERY_ROUTES]
        residue = [row["kg"] for row in outputs if row["route"] == OutputRoute.HAZARDOUS_RESIDUE]
        delays = self.delays()
        count = sum(n for _, n in delays)
        events = self.events()
        values = {
            **lines,
            "orders": events.get(ORDERS),
            "hazardous_kg": sum(hazardous) if hazardous else None,
            "days_to_destruction_mean": (
                Decimal(sum(days * n for days, n in delays)) / count if count else None
            ),
            "days_to_destruction_p90": percentile(delays, P90),
            "output_kg": sum(output_kg) if output_kg else None,
            "recovered_kg": sum(recovered) if recovered else None,
            "hazardous_residue_kg": sum(residue) if residue else None,
            "certificates_issued": events.get(ISSUED),
            "certificates_revoked": events.get(REVOKED),
            "certificates_flagged": events.get(FLAGGED),
            **self.stock_at_year_end(),
        }
        result = cleaned(values)
        result["hazardous_share"] = ratio(result["hazardous_kg"], result["kg_destroyed"])
        result["recovery_rate"] = ratio(result["recovered_kg"], result["output_kg"])
        result["hazardous_residue_share"] = ratio(
            result["hazardous_residue_kg"], result["output_kg"]
        )
        return result

    def cost_totals(self) -> dict[str, Figure]:
        by_currency = self._cost_sums(lambda row: row["currency"]).items()
        converted = [sums["costs"] for _, sums in by_currency if sums["costs"] is not None]
        return cleaned(
            {
                "costs": sum(converted, Decimal("0")),
                "cost_entries": sum(sums["cost_entries"] for _, sums in by_currency),
                "unconverted_cost_entries": sum(
                    sums["cost_entries"]
                    for currency, sums in by_currency
                    if currency not in self.scope.rates
                ),
            }
        )

    def _cost_sums(
        self, group: Callable[[dict], Any], dimension: str = "kind"
    ) -> dict[Any, dict[str, Any]]:
        """{group: {costs, cost_entries, costs_original}} over the rows of one dimension (each
        entry is in one row of each: "kind" when grouping by office or currency): costs
        converted at the year's rates (None while no entry of the group has a rate), amounts as
        recorded."""
        sums: dict[Any, dict[str, Any]] = {}
        for row in self.costs():
            if row["dimension"] != dimension:
                continue
            target = sums.setdefault(
                group(row), {"costs": None, "cost_entries": 0, "costs_original": 0}
            )
            amount = Decimal(row["amount"] or 0)
            target["cost_entries"] += row["entries"]
            target["costs_original"] += amount
            rate = self.scope.rates.get(row["currency"])
            if rate is not None:
                target["costs"] = (target["costs"] or 0) + amount * rate
        return sums

    def cost_rows(self, dimension: str, labels: Labels) -> list[Row]:
        rows = [
            {"value": value, "costs": sums["costs"], "cost_entries": sums["cost_entries"]}
            for value, sums in self._cost_sums(lambda row: row["value"], dimension).items()
        ]
        return labelled(rows, labels)

    def cost_office_rows(self) -> list[Row]:
        sums = self._cost_sums(lambda row: row["office"])
        offices = CustomsOffice.objects.filter(pk__in=list(sums)).values("pk", "code", "name")
        rows = [
            {
                "value": office["code"],
                "label": office["name"],
                "costs": sums[office["pk"]]["costs"],
                "cost_entries": sums[office["pk"]]["cost_entries"],
            }
            for office in offices
        ]
        return labelled(rows, {})

    def cost_currency_rows(self) -> list[Row]:
        rows = [
            {**sums, "value": currency, "rate": self.scope.rates.get(currency)}
            for currency, sums in self._cost_sums(lambda row: row["currency"]).items()
        ]
        return unrated_left_out(labelled(rows, lambda code: code), "costs")

    def breakdown_rows(self, key: str) -> list[Row]:
        if key in ENFORCEMENT_LABELS:
            return labelled(self._enforcement_rows(key), ENFORCEMENT_LABELS[key])
        return BREAKDOWNS[key](self)

    def _enforcement_rows(self, dimension: str) -> list[dict]:
        return [
            {
                "value": value,
                **{m: row[m] for m in ("cases", "lots", "articles", "retail_value")},
            }
            for (row_dimension, value), row in self.enforcement().items()
            if row_dimension == dimension
        ]

    def office_rows(self) -> list[Row]:
        rows = self._enforcement_rows("office")
        offices = {
            str(office["pk"]): office
            for office in CustomsOffice.objects.filter(
                pk__in=[int(row["value"]) for row in rows]
            ).values("pk", "code", "name")
        }
        for row in rows:
            office = offices[row["value"]]
            row["value"], row["label"] = office["code"], office["name"]
        return labelled(rows, {})

    def currency_rows(self) -> list[Row]:
        rows = []
        for (dimension, value), row in self.enforcement().items():
            if dimension != "currency":
                continue
            rate = self.scope.rates.get(value)
            rows.append(
                {
                    "value": value,
                    **{m: row[m] for m in ("cases", "lots", "articles", "retail_value")},
                    "retail_value_original": row["retail_value_original"],
                    "rate": rate,
                }
            )
        result = labelled(rows, lambda code: code)
        for row in result:
            if row.figures["rate"] is None:
                row.figures["retail_value"] = None  # not converted: listed, never guessed
        return result

    def _destruction_rows(self, group: Callable[[dict], str], labels: Labels) -> list[Row]:
        sums = summed(
            self.destruction(),
            group,
            {"lots_destroyed": "lots", "articles_destroyed": "articles", "kg_destroyed": "kg"},
        )
        return labelled([{"value": value, **row} for value, row in sums.items()], labels)

    def method_rows(self) -> list[Row]:
        return self._destruction_rows(lambda row: row["method"], choices(Method))

    def rank_rows(self) -> list[Row]:
        labels = {str(rank): f"{rank} {label}" for rank, label in HierarchyRank.choices}

        def rank(row: dict) -> str:
            info = METHODS.get(row["method"])
            return str(info.rank if info else 0)

        return self._destruction_rows(rank, labels)

    def ewc_chapter_rows(self) -> list[Row]:
        labels = {code: f"{code} {title}" for code, title in chapters().items()}
        return self._destruction_rows(lambda row: row["ewc_chapter"], labels)

    def hazardous_waste_rows(self) -> list[Row]:
        return self._destruction_rows(
            lambda row: HAZARDOUS if row["hazardous"] else NON_HAZARDOUS, WASTE_HAZARD_LABELS
        )

    def route_rows(self) -> list[Row]:
        sums = summed(self.outputs(), lambda row: row["route"], {"output_kg": "kg"})
        rows = [{"value": value, **row} for value, row in sums.items()]
        return labelled(rows, choices(OutputRoute))

    def month_rows(self) -> list[Row]:
        recovered = defaultdict(list)
        for row in self.outputs():
            if row["route"] in RECOVERY_ROUTES:
                recovered[row["number"]].append(row["kg"])
        sums = summed(self.outputs(), lambda row: row["number"], {"output_kg": "kg"})
        rows = [
            {
                "value": number,
                **row,
                "recovered_kg": sum(recovered[number]) if recovered[number] else None,
            }
            for number, row in sums.items()
        ]
        result = labelled(rows, lambda month: MONTH_NAMES[int(month)])
        for row in result:
            row.figures["recovery_rate"] = ratio(
                row.figures["recovered_kg"], row.figures["output_kg"]
            )
        return result


BREAKDOWNS: dict[str, Callable[[RollupFigures], list[Row]]] = {
    "office": RollupFigures.office_rows,
    "currency": RollupFigures.currency_rows,
    "method": RollupFigures.method_rows,
    "hierarchy_rank": RollupFigures.rank_rows,
    "ewc_chapter": RollupFigures.ewc_chapter_rows,
    "hazardous_waste": RollupFigures.hazardous_waste_rows,
    "output_route": RollupFigures.route_rows,
    "month": RollupFigures.month_rows,
    "cost_method": lambda figures: figures.cost_rows("method", COST_METHOD_LABELS),
    "cost_office": RollupFigures.cost_office_rows,
    "payer": lambda figures: figures.cost_rows("payer", choices(Payer)),
    "cost_kind": lambda figures: figures.cost_rows("kind", choices(CostKind)),
    "cost_currency": RollupFigures.cost_currency_rows,
}


class RecountFigures:
    """The same figures counted from the base tables (figures.py): what verifies the rollups,
    and the plan the statistics used before them."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def enforcement_totals(self) -> dict[str, Figure]:
        return figures.enforcement_totals(self.scope)

    def environment_totals(self) -> dict[str, Figure]:
        return figures.environment_totals(self.scope)

    def cost_totals(self) -> dict[str, Figure]:
        return figures.cost_totals(self.scope)

    def breakdown_rows(self, key: str) -> list[Row]:
        return figures.breakdown_rows(key, self.scope)
