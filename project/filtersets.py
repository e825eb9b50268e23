"""The audit log's filters, shared by the page and the API."""

import django_filters
from django.conf import settings

from project.filters import FilterSet, OrderingFilter
from project.models import AuditEvent


def object_type_choices() -> list[tuple[str, str]]:
    labels = sorted(label.lower() for label in settings.AUDITED_MODELS)
    return [(label, label) for label in labels]


class AuditEventFilterSet(FilterSet):
    primary_filters = ("actor", "action", "object_type", "occurred_after", "occurred_before")

    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="iexact", label="Actor (user name)"
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label="Record type")
    object_id = django_filters.CharFilter(max_length=64, label="Record id")
    occurred_after = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label="On or after"
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label="On or before"
    )
    ordering = OrderingFilter(fields=(("occurred_at", "occurred_at"),))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
