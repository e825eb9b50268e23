"""One FilterSet per list of the destruction app, shared by the pages and the API. The lists'
querysets are QuerySet methods (`DestructionOrder.objects.for_list()`...), so a page and its
endpoint read the same rows with the same queries; the eligible lots are read here, as the lot
model belongs to the seizures app and the eligibility rule to this one."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_countries import countries

from destruction.eligibility import eligible_query
from destruction.methods import OPERATION_CODES, Method
from destruction.models import (
    DestructionOrder,
    Facility,
    FacilityPermit,
    OrderLine,
    OrderStatus,
)
from project.filters import BooleanFilter, FilterSet, OrderingFilter
from seizures.filtersets import json_list_contains, text_search
from seizures.models import CustomsOffice, Lot

# The planner and the dashboard count eligible lots up to this many: finding them walks the lots
# in storage (most of which wait for their legal route), about 20 for each eligible one.
ELIGIBLE_COUNT_CAP = 1_000


def eligible_lots() -> QuerySet[Lot]:
    """Lots that may be planned for destruction today (status, hold, legal route; C1/C2);
    filtered with the lot list's own FilterSet (seizures.filtersets.LotFilterSet). Grouped by
    office, then by reference: the order of the index of lots in storage, so a page stops after
    its rows instead of sorting every eligible lot."""
    return (
        Lot.objects.with_related()
        .select_related("seizure__right_holder")
        .filter(eligible_query(today=timezone.localdate()))
        .order_by("office_id", "reference")
    )


class DestructionOrderFilterSet(FilterSet):
    primary_filters = ("q", "status", "office", "facility", "method")

    q = filters.CharFilter(label="Search", method="search")
    status = filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    office = filters.ModelChoiceFilter(queryset=CustomsOffice.objects.all())
    facility = filters.ModelChoiceFilter(queryset=Facility.objects.all())
    # Named: a filter with a method has no model field to take its label from.
    method = filters.ChoiceFilter(label="Method", choices=Method.choices, method="filter_method")
    planned_date = filters.DateFromToRangeFilter(label="Planned between")
    ordering = OrderingFilter(
        fields=(
            ("planned_date", "planned_date"),
            ("reference", "reference"),
            ("status", "status"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = DestructionOrder
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A subquery rather than a join: the list's lot counts must not be multiplied.
        by_lot = OrderLine.objects.filter(order=OuterRef("pk")).filter(
            Q(lot__reference__icontains=value) | Q(lot__seizure__reference__icontains=value)
        )
        return queryset.filter(
            Q(reference__icontains=value) | Q(facility__name__icontains=value) | Exists(by_lot)
        )

    def filter_method(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(OrderLine.objects.filter(order=OuterRef("pk"), active=True, method=value))
        )


class FacilityFilterSet(FilterSet):
    q = filters.CharFilter(label="Search", method=text_search(("name", "operator", "address")))
    country = filters.ChoiceFilter(choices=list(countries))
    operation = filters.ChoiceFilter(
        label="Permit lists",
        choices=[(code, code) for code in OPERATION_CODES],
        method="filter_operation",
    )
    hazardous_allowed = BooleanFilter(label="Hazardous waste allowed", method="filter_hazardous")
    valid_on = filters.DateFilter(label="Permit valid on", method="filter_valid_on")
    certification = filters.ChoiceFilter(
        label="Certification",
        choices=Facility.Certification.choices,
        method="filter_certification",
    )
    active = BooleanFilter(label="In use")
    ordering = OrderingFilter(fields=(("name", "name"), ("country", "country")))

    class Meta:
        model = Facility
        fields: list[str] = []

    def filter_operation(self, queryset, name, value):
        if not value:
            return queryset
        permits = json_list_contains(FacilityPermit.objects.all(), "operations", value)
        return queryset.filter(pk__in=permits.values("facility_id"))

    def filter_hazardous(self, queryset, name, value):
        if value is None:
            return queryset
        allowed = FacilityPermit.objects.filter(hazardous_allowed=True).values("facility_id")
        return queryset.filter(pk__in=allowed) if value else queryset.exclude(pk__in=allowed)

    def filter_valid_on(self, queryset, name, value):
        if not value:
            return queryset
        valid = FacilityPermit.objects.filter(valid_from__lte=value, valid_until__gte=value)
        return queryset.filter(pk__in=valid.values("facility_id"))

    def filter_certification(self, queryset, name, value):
        return json_list_contains(queryset, "certifications", value) if value else queryset
