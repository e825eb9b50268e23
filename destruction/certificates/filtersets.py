"""The certificate list filters, shared by the certificate pages, the API and the review queue."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from destruction.methods import Method
from destruction.models import Certificate, CertificateStatus, Facility, OrderLine
from project.filters import FilterSet
from seizures.categories import WasteClass
from seizures.models import CustomsOffice

# The verdict frozen in the certificate's snapshot; "unchecked": no record check was recorded.
VERDICT_CHOICES = (
    ("compliant", "Compliant"),
    ("needs_review", "Needs review"),
    ("non_compliant", "Non-compliant"),
    ("unchecked", "No check recorded"),
)
REVIEW_CHOICES = (
    ("none", "Not reviewed"),
    ("approved", "Approved"),
    ("flagged", "Flagged"),
)


class CertificateFilterSet(FilterSet):
    primary_filters = ("number", "status", "office", "facility", "method")

    number = django_filters.CharFilter(lookup_expr="icontains", label="Number")
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices)
    office = django_filters.ModelChoiceFilter(
        queryset=CustomsOffice.objects.all(), to_field_name="code", label="Issuing office"
    )
    facility = django_filters.ModelChoiceFilter(
        field_name="order__facility", queryset=Facility.objects.all(), label="Facility"
    )
    method = django_filters.ChoiceFilter(
        choices=Method.choices, method="filter_method", label="Method"
    )
    waste_class = django_filters.ChoiceFilter(
        choices=WasteClass.choices, method="filter_waste_class", label="Waste class"
    )
    verdict = django_filters.ChoiceFilter(
        choices=VERDICT_CHOICES, method="filter_verdict", label="Compliance verdict"
    )
    review = django_filters.ChoiceFilter(
        choices=REVIEW_CHOICES, method="filter_review", label="Review"
    )
    issued_after = django_filters.DateFilter(
        field_name="issued_at", lookup_expr="date__gte", label="Issued on or after"
    )
    issued_before = django_filters.DateFilter(
        field_name="issued_at", lookup_expr="date__lte", label="Issued on or before"
    )

    class Meta:
        model = Certificate
        fields: list[str] = []

    def filter_method(self, queryset, name, value):
        # The method actually used where recorded, else the planned one.
        lines = OrderLine.objects.filter(order=OuterRef("order"), active=True).filter(
            Q(actual_method=value) | Q(actual_method="", method=value)
        )
        return queryset.filter(Exists(lines))

    def filter_waste_class(self, queryset, name, value):
        lines = OrderLine.objects.filter(
            order=OuterRef("order"), active=True, lot__waste_class=value
        )
        return queryset.filter(Exists(lines))

    def filter_verdict(self, queryset, name, value):
        return queryset.filter(snapshot__compliance__verdict="" if value == "unchecked" else value)

    def filter_review(self, queryset, name, value):
        if value == "none":
            return queryset.filter(review_decision__isnull=True)
        return queryset.filter(review_decision=value)
