"""One FilterSet per list, shared by the page and the API. Ordering is a filter too (`ordering`),
so a malformed value of any parameter is a form error on the page and a 400 in the API."""

import django_filters as filters
from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django_countries import countries

from project.filters import BooleanFilter, OrderingFilter
from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.forms import WasteCodeFormField
from seizures.models import (
    ActionType,
    CustodyEvent,
    CustomsOffice,
    Holiday,
    IPRType,
    LegalRoute,
    Lot,
    LotStatus,
    RightHolder,
    RightHolderAct,
    Seizure,
    StorageLocation,
    TrafficType,
    TransportMode,
    Warehouse,
    ZoneType,
)
from seizures.querysets import hazardous_waste_query
from seizures.scoping import visible
from seizures.waste_codes import chapters


def json_list_contains(queryset: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose JSON list `field` holds `value`. PostgreSQL has a real containment test;
    SQLite stores the list as text, where the quoted value is an exact item match."""
    if connection.vendor == "postgresql":
        return queryset.filter(**{f"{field}__contains": [value]})
    return queryset.filter(**{f"{field}__icontains": f'"{value}"'})


def text_search(fields: tuple[str, ...]):
    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query) if value.strip() else queryset

    return search


class WasteCodeFilter(filters.CharFilter):
    field_class = WasteCodeFormField


class SeizureFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        label="Search",
        method=text_search(
            ("reference", "consignment_number", "declarant_name", "place_of_detention")
            + ("right_holder__name",)
        ),
    )
    office = filters.ModelChoiceFilter(queryset=CustomsOffice.objects.all())
    on_hold = BooleanFilter(label="On legal hold")
    legal_route = filters.ChoiceFilter(choices=LegalRoute.choices)
    transport_mode = filters.MultipleChoiceFilter(choices=TransportMode.choices)
    traffic_type = filters.ChoiceFilter(choices=TrafficType.choices)
    provenance_country = filters.ChoiceFilter(label="Provenance", choices=list(countries))
    ipr_type = filters.ChoiceFilter(label="IP right", choices=IPRType.choices)
    action_type = filters.ChoiceFilter(choices=ActionType.choices)
    right_holder = filters.ModelChoiceFilter(queryset=visible(RightHolder))
    perishable = BooleanFilter()
    category = filters.ChoiceFilter(
        field_name="lots__category", choices=ProductCategory.choices, distinct=True
    )
    waste_class = filters.ChoiceFilter(
        field_name="lots__waste_class", choices=WasteClass.choices, distinct=True
    )
    detained_on = filters.DateFromToRangeFilter(label="Detained between")
    notified_on = filters.DateFromToRangeFilter(label="Notified between")
    deadline = filters.DateFromToRangeFilter(label="Deadline between")
    ordering = OrderingFilter(
        fields=(
            ("reference", "reference"),
            ("detained_on", "detained_on"),
            ("deadline", "deadline"),
            ("office__code", "office"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Seizure
        fields: list[str] = []


class LotFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        label="Search",
        method=text_search(("reference", "description", "brand", "seizure__reference")),
    )
    status = filters.MultipleChoiceFilter(choices=LotStatus.choices)
    seizure = filters.ModelChoiceFilter(queryset=Seizure.objects.all(), widget=forms.HiddenInput)
    office = filters.ModelChoiceFilter(
        field_name="seizure__office", queryset=CustomsOffice.objects.all()
    )
    warehouse = filters.ModelChoiceFilter(
        field_name="location__warehouse", queryset=visible(Warehouse)
    )
    location = filters.ModelChoiceFilter(queryset=visible(StorageLocation))
    placed = BooleanFilter(
        label="Placed", field_name="location", lookup_expr="isnull", exclude=True
    )
    category = filters.ChoiceFilter(choices=ProductCategory.choices)
    waste_class = filters.ChoiceFilter(choices=WasteClass.choices)
    hazard_class = filters.ChoiceFilter(choices=HazardClass.choices, method="filter_hazard")
    ewc_code = WasteCodeFilter(label="EWC code")
    ewc_chapter = filters.ChoiceFilter(
        label="EWC chapter",
        choices=lambda: [(code, f"{code} {title}") for code, title in chapters().items()],
        field_name="ewc_code",
        lookup_expr="startswith",
    )
    hazardous_waste = BooleanFilter(label="Hazardous waste", method="filter_hazardous_waste")
    right_holder = filters.ModelChoiceFilter(
        field_name="seizure__right_holder", queryset=visible(RightHolder)
    )
    provenance_country = filters.ChoiceFilter(
        label="Provenance", field_name="seizure__provenance_country", choices=list(countries)
    )
    transport_mode = filters.ChoiceFilter(
        field_name="seizure__transport_mode", choices=TransportMode.choices
    )
    legal_route = filters.ChoiceFilter(
        field_name="seizure__legal_route", choices=LegalRoute.choices
    )
    is_sample = BooleanFilter(
        label="Samples only", field_name="parent", lookup_expr="isnull", exclude=True
    )
    controlled_substances = BooleanFilter(label="Controlled substances")
    cytotoxic = BooleanFilter(label="Cytotoxic")
    contains_asbestos = BooleanFilter(label="Contains asbestos")
    high_risk = BooleanFilter(label="High risk")
    damaged = BooleanFilter(label="Damaged or leaking")
    detained_on = filters.DateFromToRangeFilter(
        label="Detained between", field_name="seizure__detained_on"
    )
    stored_since = filters.DateFromToRangeFilter(
        label="Stored between", field_name="stored_since__date"
    )
    past_deadline = BooleanFilter(label="Past statutory deadline", method="filter_past_deadline")
    long_stay = BooleanFilter(label="Long stay", method="filter_long_stay")
    ageing = BooleanFilter(
        label="Past deadline or long stay", method="filter_ageing", widget=forms.HiddenInput
    )
    ordering = OrderingFilter(
        fields=(
            ("reference", "reference"),
            ("stored_since", "stored_since"),
            ("gross_weight_kg", "gross_weight_kg"),
            ("articles", "articles"),
            ("status", "status"),
            ("seizure__deadline", "deadline"),
            ("location__code", "location"),
        )
    )

    class Meta:
        model = Lot
        fields: list[str] = []

    def filter_hazard(self, queryset, name, value):
        return json_list_contains(queryset, "hazard_classes", value) if value else queryset

    def filter_hazardous_waste(self, queryset, name, value):
        if value is None:
            return queryset
        query = hazardous_waste_query()
        return queryset.filter(query) if value else queryset.exclude(query)

    def filter_past_deadline(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.past_deadline(value)

    def filter_long_stay(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.long_stay(value)

    def filter_ageing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.ageing(value)


class StorageLocationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Search", method=text_search(("code", "name")))
    warehouse = filters.ModelChoiceFilter(queryset=visible(Warehouse))
    zone_type = filters.ChoiceFilter(choices=ZoneType.choices)
    kind = filters.ChoiceFilter(choices=StorageLocation.Kind.choices)
    hazard_class = filters.ChoiceFilter(
        label="Accepts hazard class", choices=HazardClass.choices, method="filter_hazard"
    )
    active = BooleanFilter()
    ordering = OrderingFilter(
        fields=(("code", "code"), ("capacity_kg", "capacity_kg"), ("used_kg", "used_kg"))
    )

    class Meta:
        model = StorageLocation
        fields: list[str] = []

    def filter_hazard(self, queryset, name, value):
        return json_list_contains(queryset, "accepted_hazard_classes", value) if value else queryset


class WarehouseFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Search", method=text_search(("code", "name", "address")))
    office = filters.ModelChoiceFilter(queryset=CustomsOffice.objects.all())
    ordering = OrderingFilter(fields=(("code", "code"), ("name", "name")))

    class Meta:
        model = Warehouse
        fields: list[str] = []


class RightHolderFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        label="Search", method=text_search(("name", "contact_name", "application_reference"))
    )
    small_consignment_opt_in = BooleanFilter(label="Opted in to Art. 26")
    valid_on = filters.DateFilter(label="Application valid on", method="filter_valid_on")
    ordering = OrderingFilter(
        fields=(("name", "name"), ("application_valid_until", "application_valid_until"))
    )

    class Meta:
        model = RightHolder
        fields: list[str] = []

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(
            Q(application_valid_from__isnull=True) | Q(application_valid_from__lte=value),
            Q(application_valid_until__isnull=True) | Q(application_valid_until__gte=value),
        )


class CustomsOfficeFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Search", method=text_search(("code", "name")))
    country = filters.ChoiceFilter(choices=list(countries))
    ordering = OrderingFilter(fields=(("code", "code"), ("name", "name")))

    class Meta:
        model = CustomsOffice
        fields: list[str] = []


class YearFilter(filters.NumberFilter):
    """A calendar year: a whole number in the range dates can hold (no 0.0, no 10**20)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


class HolidayFilterSet(filters.FilterSet):
    date = filters.DateFromToRangeFilter(label="Between")
    year = YearFilter(field_name="date__year")
    ordering = OrderingFilter(fields=(("date", "date"),))

    class Meta:
        model = Holiday
        fields: list[str] = []


class CustodyEventFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        label="Search",
        method=text_search(("lot__reference", "actor_name", "lot__seizure__reference")),
    )
    lot = filters.ModelChoiceFilter(queryset=Lot.objects.all(), widget=forms.HiddenInput)
    seizure = filters.ModelChoiceFilter(
        field_name="lot__seizure", queryset=Seizure.objects.all(), widget=forms.HiddenInput
    )
    kind = filters.MultipleChoiceFilter(choices=CustodyEvent.Kind.choices)
    location = filters.ModelChoiceFilter(
        field_name="to_location", queryset=visible(StorageLocation), method="filter_location"
    )
    occurred_at = filters.DateFromToRangeFilter(label="Between", field_name="occurred_at__date")
    ordering = OrderingFilter(fields=(("occurred_at", "occurred_at"), ("lot__reference", "lot")))

    class Meta:
        model = CustodyEvent
        fields: list[str] = []

    def filter_location(self, queryset, name, value):
        return queryset.filter(Q(from_location=value) | Q(to_location=value)) if value else queryset


class RightHolderActFilterSet(filters.FilterSet):
    seizure = filters.ModelChoiceFilter(queryset=Seizure.objects.all(), widget=forms.HiddenInput)
    kind = filters.MultipleChoiceFilter(choices=RightHolderAct.Kind.choices)
    recorded_at = filters.DateFromToRangeFilter(label="Between", field_name="recorded_at__date")

    class Meta:
        model = RightHolderAct
        fields: list[str] = []
