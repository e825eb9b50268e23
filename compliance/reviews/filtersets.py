"""Filters of the auditors' review queue and of the list of review decisions."""

import django_filters

from compliance.models import CertificateReview
from destruction.certificates.filtersets import CertificateFilterSet
from project.filters import FilterSet
from seizures.models import CustomsOffice


class ReviewQueueFilterSet(CertificateFilterSet):
    """The certificate filters (office, facility, method, waste class, verdict, dates) without
    status and review, which the queue fixes (valid, not reviewed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fixed in ("status", "review"):
            self.filters.pop(fixed)


class ReviewFilterSet(FilterSet):
    decision = django_filters.ChoiceFilter(choices=CertificateReview.Decision.choices)
    certificate = django_filters.CharFilter(
        field_name="certificate__number", lookup_expr="icontains", label="Certificate number"
    )
    office = django_filters.ModelChoiceFilter(
        field_name="certificate__office",
        queryset=CustomsOffice.objects.all(),
        to_field_name="code",
        label="Issuing office",
    )
    decided_after = django_filters.DateFilter(
        field_name="decided_at", lookup_expr="date__gte", label="Decided on or after"
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_at", lookup_expr="date__lte", label="Decided on or before"
    )

    class Meta:
        model = CertificateReview
        fields: list[str] = []
