"""The statement list's filters, shared by the page and GET /api/v1/statements/."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from destruction.costs.models import Statement, StatementStatus
from project.filters import BooleanFilter
from seizures.models import RightHolder
from seizures.scoping import visible


class StatementFilterSet(django_filters.FilterSet):
    number = django_filters.CharFilter(lookup_expr="icontains", label="Number")
    right_holder = django_filters.ModelChoiceFilter(
        queryset=visible(RightHolder), label="Right holder"
    )
    status = django_filters.ChoiceFilter(choices=StatementStatus.choices)
    overdue = BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_period_from(self, queryset, name, value):
        return queryset.filter(period_to__gte=value)

    def filter_period_to(self, queryset, name, value):
        return queryset.filter(Q(period_from__lte=value))


# `from` and `to` (the query names) are Python keywords: declared after the class.
# A statement is listed when its period overlaps [from, to].
StatementFilterSet.base_filters["from"] = django_filters.DateFilter(
    method="filter_period_from", label="Period overlaps from"
)
StatementFilterSet.base_filters["to"] = django_filters.DateFilter(
    method="filter_period_to", label="Period overlaps to"
)
