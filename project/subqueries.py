"""Per-row counts and totals as correlated subqueries, for lists.

A `Count` or `Sum` over a relation turns the whole list into one GROUP BY over every related row
before LIMIT takes a page (and its pagination count into a count of that grouped query). A
correlated subquery in the SELECT list is evaluated only for the rows the page returns (the
database computes it after ORDER BY ... LIMIT), and the pagination count stays a plain
`COUNT(*)`: a list then costs what its page holds, not what the table holds.
"""

from decimal import Decimal

from django.db import models
from django.db.models.expressions import Star
from django.db.models.functions import Coalesce


def count_of(queryset: models.QuerySet) -> Coalesce:
    """How many rows of `queryset` (filtered on OuterRef(...)) each outer row has."""
    return Coalesce(
        models.Subquery(
            queryset.order_by()
            # COUNT(*), not COUNT(id): an index holding the filtered columns answers alone.
            .annotate(
                count=models.Func(Star(), function="COUNT", output_field=models.IntegerField())
            )
            .values("count"),
            output_field=models.IntegerField(),
        ),
        0,
    )


def sum_of(queryset: models.QuerySet, field: str) -> Coalesce:
    """The total of the decimal `field` (kg: 14 digits, 3 places) over the rows of `queryset`
    (filtered on OuterRef(...)), 0 if none."""
    output = models.DecimalField(max_digits=14, decimal_places=3)
    return Coalesce(aggregate_of(queryset, "SUM", field, output), Decimal("0"), output_field=output)


def earliest_of(queryset: models.QuerySet, field: str) -> models.Subquery:
    """The smallest value of `field` over the rows of `queryset`, None if none."""
    return aggregate_of(queryset, "MIN", field, queryset.model._meta.get_field(field))


def aggregate_of(
    queryset: models.QuerySet, function: str, field: str, output_field: models.Field
) -> models.Subquery:
    return models.Subquery(
        queryset.order_by()
        .annotate(value=models.Func(models.F(field), function=function, output_field=output_field))
        .values("value"),
        output_field=output_field,
    )
