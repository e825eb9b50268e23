"""The stocktake list filters, shared by the page and GET /api/v1/stocktakes/."""

import django_filters

from seizures.models import Warehouse
from seizures.models.stocktakes import Stocktake, StocktakeStatus
from seizures.scoping import visible


class StocktakeFilterSet(django_filters.FilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=visible(Warehouse), to_field_name="code", label="Warehouse"
    )
    status = django_filters.ChoiceFilter(choices=StocktakeStatus.choices)
    opened_after = django_filters.DateFilter(
        field_name="opened_at", lookup_expr="date__gte", label="Opened on or after"
    )
    opened_before = django_filters.DateFilter(
        field_name="opened_at", lookup_expr="date__lte", label="Opened on or before"
    )

    class Meta:
        model = Stocktake
        fields: list[str] = []
