"""API of the reference data (offices, warehouses, locations, right holders, holidays): read
and written through the reference service, which validates with the models' clean()."""

from django.db.models import OuterRef
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import viewsets
from rest_framework.decorators import action

from project.api import ERROR, FileNegotiation
from project.subqueries import count_of
from seizures import exports, labels, services
from seizures.api import inputs
from seizures.api import serializers as s
from seizures.api.views import PDF_RESPONSE, FilteredViewSetMixin, pdf_response
from seizures.filtersets import (
    CustomsOfficeFilterSet,
    HolidayFilterSet,
    RightHolderFilterSet,
    StorageLocationFilterSet,
    WarehouseFilterSet,
)
from seizures.models import (
    CustomsOffice,
    Holiday,
    RightHolder,
    StorageLocation,
    Warehouse,
)


class ReferenceViewSet(FilteredViewSetMixin, viewsets.ModelViewSet):
    """Reference data: everyone with the view permission reads; writes need the model's
    add/change/delete permission (administrators) and go through the reference service."""

    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    @classmethod
    def write_permissions(cls, model) -> dict[str, str]:
        name = f"{model._meta.app_label}.%s_{model._meta.model_name}"
        return {
            "create": name % "add",
            "update": name % "change",
            "partial_update": name % "change",
            "destroy": name % "delete",
            "export": name % "view",
        }

    def perform_create(self, serializer):
        record = serializer.Meta.model(**serializer.validated_data)
        serializer.instance = services.save_reference_record(record, actor=self.request.user)

    def perform_update(self, serializer):
        record = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(record, name, value)
        services.save_reference_record(record, actor=self.request.user)

    def perform_destroy(self, instance):
        services.delete_reference_record(instance, actor=self.request.user)


class CustomsOfficeViewSet(ReferenceViewSet):
    serializer_class = s.CustomsOfficeSerializer
    filterset_class = CustomsOfficeFilterSet
    export_columns = exports.OFFICE_COLUMNS
    export_name = "customs-offices"
    permission_map = ReferenceViewSet.write_permissions(CustomsOffice)
    queryset = CustomsOffice.objects.all()


class WarehouseViewSet(ReferenceViewSet):
    serializer_class = s.WarehouseSerializer
    filterset_class = WarehouseFilterSet
    export_columns = exports.WAREHOUSE_COLUMNS
    export_name = "warehouses"
    permission_map = ReferenceViewSet.write_permissions(Warehouse)

    def get_queryset(self):
        return (
            Warehouse.objects.visible_to(self.request.user)
            .select_related("office")
            .annotate(
                location_count=count_of(StorageLocation.objects.filter(warehouse=OuterRef("pk")))
            )
            .order_by("code")
        )


class StorageLocationViewSet(ReferenceViewSet):
    serializer_class = s.StorageLocationSerializer
    filterset_class = StorageLocationFilterSet
    export_columns = exports.LOCATION_COLUMNS
    export_name = "locations"
    permission_map = {
        **ReferenceViewSet.write_permissions(StorageLocation),
        "labels": "seizures.print_labels",
    }

    def get_queryset(self):
        return StorageLocation.objects.visible_to(self.request.user).with_occupancy()

    @extend_schema(
        request=inputs.LocationLabelsSerializer, responses={**PDF_RESPONSE, 400: ERROR, 403: ERROR}
    )
    @action(detail=False, methods=["post"], content_negotiation_class=FileNegotiation)
    def labels(self, request):
        """A PDF sheet of location labels (Code 128 + QR + text)."""
        data = self._valid(inputs.LocationLabelsSerializer, request.data)
        locations = (
            StorageLocation.objects.visible_to(request.user)
            .select_related("warehouse")
            .filter(pk__in=[location.pk for location in data["locations"]])
        )
        return pdf_response(labels.location_labels_pdf(locations), "location-labels.pdf")


class RightHolderViewSet(ReferenceViewSet):
    serializer_class = s.RightHolderSerializer
    filterset_class = RightHolderFilterSet
    export_columns = exports.RIGHT_HOLDER_COLUMNS
    export_name = "right-holders"
    permission_map = ReferenceViewSet.write_permissions(RightHolder)

    def get_queryset(self):
        return RightHolder.objects.visible_to(self.request.user)


class HolidayViewSet(ReferenceViewSet):
    serializer_class = s.HolidaySerializer
    filterset_class = HolidayFilterSet
    export_columns = exports.HOLIDAY_COLUMNS
    export_name = "holidays"
    permission_map = ReferenceViewSet.write_permissions(Holiday)
    queryset = Holiday.objects.all()
