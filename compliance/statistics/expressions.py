"""Database expressions the full recount of the figures builds on: days between two dates, the
90th percentile, currency conversion, and the classifications (main category, outcome, method,
hierarchy rank) as CASE expressions."""

from decimal import Decimal

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    DecimalField,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from compliance.statistics.dictionary import Outcome
from destruction.methods import METHODS
from destruction.models import OrderLine
from seizures.categories import ProductCategory, main_category
from seizures.models import (
    LegalRoute,
    LotStatus,
)


class DaysBetween(Func):
    """Whole calendar days from a start date to an end date, computed by the database."""

    output_field = IntegerField()
    arity = 2  # (end, start)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL (and the standard): date - date is an integer number of days.
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        (end, end_params), (start, start_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"
        return sql, (*end_params, *start_params)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the continuous percentile of an expression."""

    function = "PERCENTILE_CONT"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        # A float constant of our own, never user input: safe to place in the SQL text.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def decimal_field(places: int) -> DecimalField:
    return DecimalField(max_digits=24, decimal_places=places)


def rate_expression(rates: dict[str, Decimal]) -> Case:
    """The rate of each lot's currency, NULL where the year has none (so Sum leaves it out)."""
    return Case(
        *[When(currency=code, then=Value(rate)) for code, rate in sorted(rates.items())],
        default=Value(None),
        output_field=decimal_field(6),
    )


def main_category_expression() -> Case:
    groups: dict[str, list[str]] = {}
    for code in ProductCategory.values:
        groups.setdefault(main_category(code), []).append(code)
    return Case(
        *[When(category__in=codes, then=Value(main)) for main, codes in groups.items()],
        default=Value(""),
        output_field=CharField(),
    )


def root_status_expression() -> Coalesce:
    """A sample's outcome is its parent lot's: the sample is part of the goods detained."""
    return Coalesce("parent__status", "status", output_field=CharField())


def outcome_expression() -> Case:
    """Digest D1 item 8 (see Outcome); needs the `root_status` annotation."""
    route = "seizure__legal_route"
    destroyed = Q(root_status=LotStatus.DESTROYED)
    return Case(
        When(root_status=LotStatus.RELEASED, then=Value(Outcome.RELEASED.value)),
        When(**{route: LegalRoute.COURT}, then=Value(Outcome.COURT.value)),
        When(
            destroyed & Q(**{route: LegalRoute.STANDARD}),
            then=Value(Outcome.DESTROYED_STANDARD.value),
        ),
        When(
            destroyed & Q(**{route: LegalRoute.SMALL_CONSIGNMENT}),
            then=Value(Outcome.DESTROYED_SMALL_CONSIGNMENT.value),
        ),
        When(
            destroyed & Q(**{route: LegalRoute.ABANDONMENT}),
            then=Value(Outcome.DESTROYED_ABANDONMENT.value),
        ),
        default=Value(Outcome.PENDING.value),
        output_field=CharField(),
    )


def method_expression() -> Coalesce:
    return Coalesce(NullIf("actual_method", Value("")), "method", output_field=CharField())


def cost_method_expression() -> Coalesce:
    """The method that destroyed a cost entry's lot (its line on the entry's order), "" for the
    costs of a lot released (no order)."""
    line = OrderLine.objects.filter(order=OuterRef("order"), lot=OuterRef("lot"), active=True)
    used = line.annotate(used=method_expression()).values("used")[:1]
    return Coalesce(Subquery(used), Value(""), output_field=CharField())


def rank_expression() -> Case:
    """Needs the `used_method` annotation."""
    by_rank: dict[int, list[str]] = {}
    for code, info in METHODS.items():
        by_rank.setdefault(info.rank, []).append(code)
    return Case(
        *[When(used_method__in=codes, then=Value(rank)) for rank, codes in by_rank.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def line_weight() -> Coalesce:
    return Coalesce("dispatch_weight_kg", "lot__gross_weight_kg", output_field=decimal_field(3))
