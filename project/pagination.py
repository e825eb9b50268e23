"""Counts that stop at a cap (issue 16): a list or a dashboard figure over a million lots costs
what it costs over ten thousand. Counting reads at most cap + 1 rows (`LIMIT cap + 1` in a
subquery); past the cap the figure is a lower bound, shown as "more than" / "10,000+" with a
link or a hint to filter."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection, models
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: a list of a million lots pages like one of ten thousand (the
    count reads at most cap + 1 rows, the deepest page skips at most cap rows). Past the cap the
    page says "more than" and asks for a filter (`capped`)."""

    cap = COUNT_CAP

    @cached_property
    def counted(self) -> int:
        if isinstance(self.object_list, models.QuerySet):
            # Without ORDER BY: a sliced count keeps it, and a sort reads every matching row.
            return self.object_list.order_by()[: self.cap + 1].count()
        return len(self.object_list[: self.cap + 1])  # a list (the rulebook's rules)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


@dataclass(frozen=True)
class CappedCount:
    """A figure counted up to `cap` + 1 rows: exact up to the cap, else a lower bound."""

    counted: int
    cap: int

    @property
    def capped(self) -> bool:
        return self.counted > self.cap

    @property
    def value(self) -> int:
        return min(self.counted, self.cap)

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.counted:,}"


def capped_counts(
    querysets: dict[str, models.QuerySet], cap: int | None = None
) -> dict[str, CappedCount]:
    """How many rows each queryset has, up to `cap` (the lists' cap unless given; +1 to tell
    "more"), in one query: one `SELECT COUNT(*) FROM (... LIMIT cap + 1)` subquery per figure."""
    cap = CappedPaginator.cap if cap is None else cap
    selects, params = [], []
    for queryset in querysets.values():
        # A constant, not the id: an index holding the filtered columns answers alone.
        rows = queryset.order_by().annotate(one=models.Value(1)).values("one")[: cap + 1]
        try:
            sql, row_params = rows.query.sql_with_params()
        except EmptyResultSet:  # `.none()`, e.g. a user who may see no record of this kind
            selects.append("0")
            continue
        # The ORM's own SQL with its values as parameters.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_rows)")  # noqa: S608
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        counted = cursor.fetchone()
    return {name: CappedCount(number, cap) for name, number in zip(querysets, counted, strict=True)}
