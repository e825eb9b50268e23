"""API of the audit trail: read-only, filtered like the audit log page."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from project.filtersets import AuditEventFilterSet
from project.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip",
            "user_agent",
            "path",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Who did what to which record, when and from where (administrators and auditors)."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    filter_backends = (DjangoFilterBackend,)
    queryset = AuditEvent.objects.all()
