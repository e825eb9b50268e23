"""The figures of one year, computed by the database: one aggregate query for each set of totals
and one GROUP BY query for each breakdown, whatever the number of lots. Python only formats
the few aggregated rows (labels, rounding, ratios)."""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, Substr, TruncDate
from django.utils import timezone
from django_countries import countries

from compliance.models import CertificateReview, ExchangeRate
from compliance.statistics.dictionary import Outcome
from compliance.statistics.expressions import (
    DaysBetween,
    PercentileCont,
    cost_method_expression,
    decimal_field,
    line_weight,
    main_category_expression,
    method_expression,
    outcome_expression,
    rank_expression,
    rate_expression,
    root_status_expression,
)
from destruction.costs.models import CostEntry, CostKind, Payer
from destruction.methods import HierarchyRank, Method
from destruction.models import (
    Certificate,
    DestructionRecord,
    OrderLine,
    OutputFraction,
    OutputRoute,
)
from seizures.categories import MAIN_CATEGORY_NAMES, ProductCategory
from seizures.models import (
    ActionType,
    CustodyEvent,
    CustomsOffice,
    CustomsProcedure,
    IPRType,
    LegalRoute,
    Lot,
    LotStatus,
    TrafficType,
    TransportMode,
)
from seizures.querysets import hazardous_waste_query
from seizures.waste_codes import chapters

Figure = int | Decimal | None
MONEY = Decimal("0.01")
KG = Decimal("0.001")
RATIO = Decimal("0.0001")
DAYS = Decimal("0.1")
P90 = 0.9
# Lots under customs control: not (yet) destroyed or released.
OPEN_STATUSES = (
    LotStatus.IN_STORAGE,
    LotStatus.ON_HOLD,
    LotStatus.ALLOCATED,
    LotStatus.IN_TRANSIT,
)
RECOVERY_ROUTES = (OutputRoute.RECYCLED, OutputRoute.ENERGY_RECOVERY)


# --- scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """One year (and optionally one office) with the rate table of that year."""

    year: int
    office: CustomsOffice | None = None
    rates: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def load(cls, year: int, office: CustomsOffice | None = None) -> "Scope":
        table = dict(ExchangeRate.objects.filter(year=year).values_list("currency", "rate"))
        # The reporting currency converts at 1 by definition, whatever the table says.
        table[settings.REPORTING_CURRENCY] = Decimal("1")
        return cls(year=year, office=office, rates=table)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def start(self) -> datetime.datetime:
        """Midnight of 1 January, local time: destruction dates are local dates."""
        return datetime.datetime(self.year, 1, 1, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> datetime.datetime:
        return datetime.datetime(self.year + 1, 1, 1, tzinfo=timezone.get_current_timezone())


# --- base query sets -------------------------------------------------------------------------


def enforcement_lots(scope: Scope) -> QuerySet[Lot]:
    lots = Lot.objects.filter(
        seizure__detained_on__gte=scope.first_day, seizure__detained_on__lte=scope.last_day
    )
    if scope.office is not None:
        lots = lots.filter(seizure__office=scope.office)
    return lots.order_by()


def destroyed_lines(scope: Scope) -> QuerySet[OrderLine]:
    lines = OrderLine.objects.filter(
        active=True,
        order__record__ended_at__gte=scope.start,
        order__record__ended_at__lt=scope.end,
    )
    if scope.office is not None:
        lines = lines.filter(order__office=scope.office)
    return lines.order_by()


def output_fractions(scope: Scope) -> QuerySet[OutputFraction]:
    outputs = OutputFraction.objects.filter(
        record__ended_at__gte=scope.start, record__ended_at__lt=scope.end
    )
    if scope.office is not None:
        outputs = outputs.filter(record__order__office=scope.office)
    return outputs.order_by()


def cost_entries(scope: Scope) -> QuerySet[CostEntry]:
    """The cost entries incurred in the year (of the office's lots)."""
    costs = CostEntry.objects.filter(
        incurred_on__gte=scope.first_day, incurred_on__lte=scope.last_day
    )
    if scope.office is not None:
        costs = costs.filter(lot__office=scope.office)
    return costs.order_by()


def enforcement_aggregates(scope: Scope) -> dict[str, Aggregate]:
    root = Q(parent__isnull=True)
    return {
        "cases": Count("seizure", distinct=True),
        "lots": Count("pk", filter=root),
        "articles": Sum("seized_articles", filter=root),
        "retail_value": Sum(
            F("retail_value") * rate_expression(scope.rates), output_field=decimal_field(2)
        ),
    }


def cost_aggregates(scope: Scope) -> dict[str, Aggregate]:
    return {
        "costs": Sum(F("amount") * rate_expression(scope.rates), output_field=decimal_field(2)),
        "cost_entries": Count("pk"),
    }


def method_aggregates() -> dict[str, Aggregate]:
    return {
        "lots_destroyed": Count("pk"),
        "articles_destroyed": Sum("lot__articles"),
        "kg_destroyed": Sum(line_weight(), output_field=decimal_field(3)),
    }


def recovery_aggregates() -> dict[str, Aggregate]:
    return {
        "output_kg": Sum("weight_kg"),
        "recovered_kg": Sum("weight_kg", filter=Q(route__in=RECOVERY_ROUTES)),
        "hazardous_residue_kg": Sum("weight_kg", filter=Q(route=OutputRoute.HAZARDOUS_RESIDUE)),
    }


# --- rounding --------------------------------------------------------------------------------

UNITS: dict[str, Decimal | None] = {
    "cases": None,
    "lots": None,
    "articles": None,
    "unconverted_lots": None,
    "orders": None,
    "lots_destroyed": None,
    "articles_destroyed": None,
    "certificates_issued": None,
    "certificates_revoked": None,
    "certificates_flagged": None,
    "lots_in_storage_at_year_end": None,
    "retail_value": MONEY,
    "retail_value_original": MONEY,
    "rate": Decimal("0.000001"),
    "kg_destroyed": KG,
    "hazardous_kg": KG,
    "output_kg": KG,
    "recovered_kg": KG,
    "hazardous_residue_kg": KG,
    "kg_in_storage_at_year_end": KG,
    "hazardous_share": RATIO,
    "recovery_rate": RATIO,
    "hazardous_residue_share": RATIO,
    "days_to_destruction_mean": DAYS,
    "days_to_destruction_p90": DAYS,
    "costs": MONEY,
    "costs_original": MONEY,
    "cost_entries": None,
    "unconverted_cost_entries": None,
}
# Counts and sums over no rows are 0, not unknown; rates, averages and ratios stay empty.
ZERO_WHEN_EMPTY = frozenset(
    key for key, unit in UNITS.items() if unit in (None, MONEY, KG) and key != "rate"
)


def clean(key: str, value: Any) -> Figure:
    """Round a figure from the database to its unit (SQLite returns floats for decimals)."""
    unit = UNITS[key]
    if value is None:
        if key not in ZERO_WHEN_EMPTY:
            return None
        return 0 if unit is None else Decimal("0").quantize(unit)
    if unit is None:
        return int(value)
    return Decimal(str(value)).quantize(unit, rounding=ROUND_HALF_UP)


def ratio(part: Figure, whole: Figure) -> Decimal | None:
    if not whole or part is None:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


def cleaned(values: dict[str, Any]) -> dict[str, Figure]:
    return {key: clean(key, value) for key, value in values.items()}


# --- totals -----------------------------------------------------------------------------------


def enforcement_totals(scope: Scope) -> dict[str, Figure]:
    lots = enforcement_lots(scope)
    values = lots.aggregate(
        **enforcement_aggregates(scope),
        unconverted_lots=Count(
            "pk", filter=Q(parent__isnull=True) & ~Q(currency__in=list(scope.rates))
        ),
    )
    return cleaned(values)


def cost_totals(scope: Scope) -> dict[str, Figure]:
    values = cost_entries(scope).aggregate(
        **cost_aggregates(scope),
        unconverted_cost_entries=Count("pk", filter=~Q(currency__in=list(scope.rates))),
    )
    return cleaned(values)


def days_to_destruction(lines: QuerySet[OrderLine]) -> QuerySet[OrderLine]:
    return lines.annotate(
        days=DaysBetween(TruncDate("order__record__ended_at"), F("lot__seizure__detained_on"))
    )


def percentile_by_offset(days: QuerySet[OrderLine], count: int, fraction: float) -> float | None:
    """percentile_cont without PostgreSQL: read the two neighbouring values by ORDER BY ... LIMIT
    2 OFFSET k (one query) and interpolate between them."""
    if not count:
        return None
    position = fraction * (count - 1)
    lower = math.floor(position)
    values = list(days.order_by("days").values_list("days", flat=True)[lower : lower + 2])
    if len(values) == 1:
        return float(values[0])
    return values[0] + (position - lower) * (values[1] - values[0])


def environment_totals(scope: Scope) -> dict[str, Figure]:
    lines = destroyed_lines(scope)
    days = days_to_destruction(lines)
    aggregates: dict[str, Aggregate] = {
        **method_aggregates(),
        "orders": Count("order", distinct=True),
        # Hazardous waste by its EWC code or an HP property, not by a UN transport class.
        "hazardous_kg": Sum(
            line_weight(), filter=hazardous_waste_query("lot__"), output_field=decimal_field(3)
        ),
        "days_to_destruction_mean": Avg("days", output_field=FloatField()),
    }
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        aggregates["days_to_destruction_p90"] = PercentileCont("days", P90)
    values = days.aggregate(**aggregates)
    if not postgresql:
        values["days_to_destruction_p90"] = percentile_by_offset(
            days, values["lots_destroyed"], P90
        )
    values.update(output_fractions(scope).aggregate(**recovery_aggregates()))
    values.update(certificate_counts(scope))
    values.update(storage_at_year_end(scope))
    figures = cleaned(values)
    figures["hazardous_share"] = ratio(figures["hazardous_kg"], figures["kg_destroyed"])
    figures["recovery_rate"] = ratio(figures["recovered_kg"], figures["output_kg"])
    figures["hazardous_residue_share"] = ratio(
        figures["hazardous_residue_kg"], figures["output_kg"]
    )
    return figures


def certificate_counts(scope: Scope) -> dict[str, int]:
    issued = Q(issued_at__gte=scope.start, issued_at__lt=scope.end)
    revoked = Q(revoked_at__gte=scope.start, revoked_at__lt=scope.end)
    certificates = Certificate.objects.filter(issued | revoked)
    reviews = CertificateReview.objects.filter(
        decision=CertificateReview.Decision.FLAGGED,
        decided_at__gte=scope.start,
        decided_at__lt=scope.end,
    )
    if scope.office is not None:
        certificates = certificates.filter(office=scope.office)
        reviews = reviews.filter(certificate__office=scope.office)
    counts = certificates.order_by().aggregate(
        certificates_issued=Count("pk", filter=issued),
        certificates_revoked=Count("pk", filter=revoked),
    )
    counts["certificates_flagged"] = reviews.order_by().count()
    return counts


def storage_at_year_end(scope: Scope) -> dict[str, Any]:
    """Lots detained by 31 December that left customs control only later, or not yet. A lot
    leaves by destruction (its record's end) or release (its release custody event). Samples
    count in the kg, not in the lots: a sample's kg were taken off its parent lot."""
    # The orders executed after the year, as one (hashed) subquery: a join per lot through
    # the order table makes PostgreSQL plan, and JIT-compile, a far costlier query.
    later_orders = DestructionRecord.objects.filter(ended_at__gte=scope.end).values("order_id")
    destroyed_later = OrderLine.objects.filter(
        lot=OuterRef("pk"), active=True, order_id__in=later_orders
    )
    released_later = CustodyEvent.objects.filter(
        lot=OuterRef("pk"), kind=CustodyEvent.Kind.RELEASED, occurred_at__gte=scope.end
    )
    lots = Lot.objects.filter(seizure__detained_on__lte=scope.last_day)
    if scope.office is not None:
        lots = lots.filter(seizure__office=scope.office)
    lots = lots.filter(
        Q(status__in=OPEN_STATUSES)
        | (Q(status=LotStatus.DESTROYED) & Exists(destroyed_later))
        | (Q(status=LotStatus.RELEASED) & Exists(released_later))
    )
    return lots.order_by().aggregate(
        lots_in_storage_at_year_end=Count("pk", filter=Q(parent__isnull=True)),
        kg_in_storage_at_year_end=Sum("gross_weight_kg"),
    )


# --- breakdowns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    value: str
    label: str
    figures: dict[str, Figure]


def grouped(queryset: QuerySet, aggregates: dict[str, Aggregate]) -> list[dict[str, Any]]:
    return list(queryset.annotate(**aggregates).order_by())


def labelled(
    rows: list[dict[str, Any]], labels: dict[str, str] | Callable[[str], str]
) -> list[Row]:
    label = labels if callable(labels) else (lambda value: labels.get(value, value))
    result = []
    for row in rows:
        value = "" if row["value"] is None else str(row["value"])
        figures = {k: v for k, v in row.items() if k not in ("value", "label")}
        result.append(
            Row(value, row.get("label") or label(value) or "(not recorded)", cleaned(figures))
        )
    return result


def enforcement_breakdown(
    scope: Scope, dimension: Any, labels: dict[str, str] | Callable[[str], str], **annotations
) -> list[Row]:
    lots = enforcement_lots(scope)
    if annotations:
        lots = lots.annotate(**annotations)
    rows = grouped(lots.values(value=dimension), enforcement_aggregates(scope))
    return labelled(rows, labels)


def office_rows(scope: Scope) -> list[Row]:
    lots = enforcement_lots(scope).values(
        value=F("seizure__office__code"), label=F("seizure__office__name")
    )
    return labelled(grouped(lots, enforcement_aggregates(scope)), {})


def currency_rows(scope: Scope) -> list[Row]:
    lots = enforcement_lots(scope).values(value=F("currency"))
    rows = grouped(
        lots,
        # First: the annotations below reuse the field names of the lot.
        {"retail_value_original": Sum("retail_value"), **enforcement_aggregates(scope)},
    )
    for row in rows:
        row["rate"] = scope.rates.get(row["value"])
    return unrated_left_out(labelled(rows, lambda code: code), "retail_value")


def method_rows(scope: Scope) -> list[Row]:
    lines = destroyed_lines(scope).annotate(used_method=method_expression())
    return labelled(
        grouped(lines.values(value=F("used_method")), method_aggregates()), choices(Method)
    )


def rank_rows(scope: Scope) -> list[Row]:
    lines = destroyed_lines(scope).annotate(used_method=method_expression())
    lines = lines.annotate(rank=rank_expression()).values(value=F("rank"))
    labels = {str(rank): f"{rank} {label}" for rank, label in HierarchyRank.choices}
    return labelled(grouped(lines, method_aggregates()), labels)


def ewc_chapter_rows(scope: Scope) -> list[Row]:
    """Kg destroyed by chapter of the European List of Waste (the code's first two digits)."""
    lines = destroyed_lines(scope).values(value=Substr("lot__ewc_code", 1, 2))
    labels = {code: f"{code} {title}" for code, title in chapters().items()}
    return labelled(grouped(lines, method_aggregates()), labels)


def hazardous_waste_rows(scope: Scope) -> list[Row]:
    """Kg destroyed of hazardous and of non-hazardous waste (EWC asterisk or HP property)."""
    kind = Case(
        When(hazardous_waste_query("lot__"), then=Value(HAZARDOUS)),
        default=Value(NON_HAZARDOUS),
        output_field=CharField(),
    )
    lines = destroyed_lines(scope).values(value=kind)
    return labelled(grouped(lines, method_aggregates()), WASTE_HAZARD_LABELS)


HAZARDOUS, NON_HAZARDOUS = "hazardous", "non_hazardous"
WASTE_HAZARD_LABELS = {HAZARDOUS: "Hazardous waste", NON_HAZARDOUS: "Non-hazardous waste"}


def route_rows(scope: Scope) -> list[Row]:
    outputs = output_fractions(scope).values(value=F("route"))
    return labelled(grouped(outputs, {"output_kg": Sum("weight_kg")}), choices(OutputRoute))


def month_rows(scope: Scope) -> list[Row]:
    outputs = output_fractions(scope).values(value=ExtractMonth("record__ended_at"))
    aggregates = recovery_aggregates()
    del aggregates["hazardous_residue_kg"]
    rows = labelled(grouped(outputs, aggregates), lambda month: MONTH_NAMES[int(month)])
    for row in rows:
        row.figures["recovery_rate"] = ratio(row.figures["recovered_kg"], row.figures["output_kg"])
    return rows


def cost_rows(scope: Scope, value: Any, labels: dict[str, str], **annotations) -> list[Row]:
    costs = cost_entries(scope)
    if annotations:
        costs = costs.annotate(**annotations)
    return labelled(grouped(costs.values(value=value), cost_aggregates(scope)), labels)


def cost_office_rows(scope: Scope) -> list[Row]:
    costs = cost_entries(scope).values(value=F("lot__office__code"), label=F("lot__office__name"))
    return labelled(grouped(costs, cost_aggregates(scope)), {})


def cost_currency_rows(scope: Scope) -> list[Row]:
    costs = cost_entries(scope).values(value=F("currency"))
    rows = grouped(costs, {"costs_original": Sum("amount"), **cost_aggregates(scope)})
    for row in rows:
        row["rate"] = scope.rates.get(row["value"])
    return unrated_left_out(labelled(rows, lambda code: code), "costs")


def unrated_left_out(rows: list[Row], converted: str) -> list[Row]:
    """A currency without a rate keeps its converted figure empty: listed, never guessed."""
    for row in rows:
        if row.figures["rate"] is None:
            row.figures[converted] = None
    return rows


# The costs of a released lot have no destruction method.
COST_METHOD_LABELS = {**dict(Method.choices), "": "No destruction (lot released)"}


MONTH_NAMES = {n: datetime.date(2000, n, 1).strftime("%B") for n in range(1, 13)}


def choices(text_choices) -> dict[str, str]:
    return dict(text_choices.choices)


def _enforcement(dimension: str, labels) -> Callable[[Scope], list[Row]]:
    return lambda scope: enforcement_breakdown(scope, F(dimension), labels)


BREAKDOWN_QUERIES: dict[str, Callable[[Scope], list[Row]]] = {
    "office": office_rows,
    "category": lambda scope: enforcement_breakdown(
        scope, F("main_category"), MAIN_CATEGORY_NAMES, main_category=main_category_expression()
    ),
    "subcategory": _enforcement("category", choices(ProductCategory)),
    "provenance_country": _enforcement(
        "seizure__provenance_country", lambda code: countries.name(code) or code
    ),
    "transport_mode": _enforcement("seizure__transport_mode", choices(TransportMode)),
    "traffic_type": _enforcement("seizure__traffic_type", choices(TrafficType)),
    "ipr_type": _enforcement("seizure__ipr_type", choices(IPRType)),
    "customs_procedure": _enforcement("seizure__customs_procedure", choices(CustomsProcedure)),
    "action_type": _enforcement("seizure__action_type", choices(ActionType)),
    "legal_route": _enforcement("seizure__legal_route", choices(LegalRoute)),
    "outcome": lambda scope: enforcement_breakdown(
        scope,
        outcome_expression(),
        choices(Outcome),
        root_status=root_status_expression(),
    ),
    "currency": currency_rows,
    "method": method_rows,
    "hierarchy_rank": rank_rows,
    "ewc_chapter": ewc_chapter_rows,
    "hazardous_waste": hazardous_waste_rows,
    "output_route": route_rows,
    "month": month_rows,
    "cost_method": lambda scope: cost_rows(
        scope, F("used_method"), COST_METHOD_LABELS, used_method=cost_method_expression()
    ),
    "cost_office": cost_office_rows,
    "payer": lambda scope: cost_rows(scope, F("payer"), choices(Payer)),
    "cost_kind": lambda scope: cost_rows(scope, F("kind"), choices(CostKind)),
    "cost_currency": cost_currency_rows,
}

# Row order: a fixed vocabulary keeps its own order (reports compare year to year); open lists
# (countries, offices, currencies) are ordered by size.
VOCABULARY_ORDER: dict[str, list[str]] = {
    "category": list(MAIN_CATEGORY_NAMES),
    "subcategory": list(ProductCategory.values),
    "transport_mode": list(TransportMode.values),
    "traffic_type": list(TrafficType.values),
    "ipr_type": list(IPRType.values),
    "customs_procedure": list(CustomsProcedure.values),
    "action_type": list(ActionType.values),
    "legal_route": list(LegalRoute.values),
    "outcome": list(Outcome.values),
    "method": list(Method.values),
    "hierarchy_rank": [str(rank) for rank in HierarchyRank.values],
    "ewc_chapter": list(chapters()),
    "hazardous_waste": list(WASTE_HAZARD_LABELS),
    "output_route": list(OutputRoute.values),
    "month": [str(n) for n in range(1, 13)],
    "cost_method": list(Method.values),
    "payer": list(Payer.values),
    "cost_kind": list(CostKind.values),
}


def breakdown_rows(key: str, scope: Scope) -> list[Row]:
    return BREAKDOWN_QUERIES[key](scope)
