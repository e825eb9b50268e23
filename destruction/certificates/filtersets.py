"""The certificate list filters, shared by the certificate pages, the API and the review queue."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from destruction.methods import Method
from destruction.models import Certificate, CertificateStatus, Facility, OrderLine
from seizures.categories import WasteClass
from seizures.models import CustodyEvent, CustomsOffice

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


def amendments_after_issue() -> QuerySet[CustodyEvent]:
    """The `amended` custody events of the lots of the outer certificate's order after the
    certificate was issued, newest first (for a Subquery on Certificate)."""
    return CustodyEvent.objects.filter(
        kind=CustodyEvent.Kind.AMENDED,
        lot__order_lines__order=OuterRef("order"),
        occurred_at__gt=OuterRef("issued_at"),
    ).order_by("-occurred_at", "-id")


def certificate_list() -> QuerySet[Certificate]:
    """Certificates for lists: without their PDF and snapshot (only the snapshot's totals and
    verdict), with the latest review decision, the latest amendment of its lots after issue
    (when and why) and the superseding links, all in one query."""
    # A certificate amended after its review is reviewed again: the latest review counts. The
    # review model belongs to compliance (above this app): reached through the relation.
    reviews = (
        Certificate._meta.get_field("reviews")
        .related_model.objects.filter(certificate=OuterRef("pk"))
        .order_by("-decided_at", "-id")
    )
    amendments = amendments_after_issue()
    return (
        Certificate.objects.with_related()
        .defer("pdf", "snapshot")
        .annotate(
            totals=KeyTransform("totals", "snapshot"),
            verdict=KeyTextTransform("verdict", KeyTransform("compliance", "snapshot")),
            review_decision=Subquery(reviews.values("decision")[:1]),
            reviewed_at=Subquery(reviews.values("decided_at")[:1]),
            amended_at=Subquery(amendments.values("occurred_at")[:1]),
            amendment_reason=Subquery(
                amendments.annotate(reason=KeyTextTransform("reason", "details")).values("reason")[
                    :1
                ]
            ),
            superseded_by_number=F("superseded_by__number"),
            supersedes_number=F("supersedes__number"),
        )
    )


class CertificateFilterSet(django_filters.FilterSet):
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
