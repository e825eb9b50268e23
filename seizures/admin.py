"""Admin: reference data is edited here (validated by the models' clean()). Seizures, lots and
custody events are read-only: their writes go through the services, which append the custody
chain; custody events offer no add, change or delete at all (append-only, digest X-CC-01)."""

from django.contrib import admin
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect

from seizures import services
from seizures.models import (
    INTAKE_FLAGS,
    CustodyEvent,
    CustomsOffice,
    Holiday,
    Lot,
    RightHolder,
    Seizure,
    StorageLocation,
    UserAccess,
    Warehouse,
)


@admin.register(CustomsOffice)
class CustomsOfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "certificate_language")
    search_fields = ("code", "name")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Saved and deleted through the reference service, which moves the open seizures'
    deadlines with the calendar."""

    list_display = ("date", "name")
    date_hierarchy = "date"
    # Bulk deletion would bypass the service and leave deadlines stale.
    actions = None

    # The admin wraps a POST in its own transaction; the service's transaction is durable
    # (it must not be nested), so these views run without the admin's wrapper.
    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(csrf_protect)
    def delete_view(self, request, object_id, extra_context=None):
        return self._delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        services.save_reference_record(obj, actor=request.user)

    def delete_model(self, request, obj) -> None:
        services.delete_reference_record(obj, actor=request.user)


@admin.register(RightHolder)
class RightHolderAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "application_reference",
        "application_valid_until",
        "small_consignment_opt_in",
    )
    search_fields = ("name", "application_reference")
    list_filter = ("small_consignment_opt_in",)


class StorageLocationInline(admin.TabularInline):
    model = StorageLocation
    fields = ("code", "name", "parent", "kind", "zone_type", "capacity_kg", "active")
    extra = 0
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "office")
    list_select_related = ("office",)
    search_fields = ("code", "name")
    inlines = (StorageLocationInline,)


@admin.register(StorageLocation)
class StorageLocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "warehouse", "kind", "zone_type", "capacity_kg", "active")
    list_select_related = ("warehouse",)
    list_filter = ("warehouse", "zone_type", "kind", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: changes are made through the pages and API, which call the services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Seizure)
class SeizureAdmin(ReadOnlyAdmin):
    list_display = ("reference", "office", "detained_on", "legal_route", "deadline", "on_hold")
    list_select_related = ("office",)
    list_filter = ("legal_route", "transport_mode", "on_hold")
    search_fields = ("reference", "consignment_number", "declarant_name")


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ("reference", "waste_class", "articles", "gross_weight_kg", "status", "location")
    list_select_related = ("location",)
    list_filter = ("status", "waste_class", *INTAKE_FLAGS)
    search_fields = ("reference", "description", "brand")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ("lot", "sequence", "kind", "occurred_at", "actor_name", "to_location")
    list_select_related = ("lot", "to_location")
    list_filter = ("kind",)
    search_fields = ("lot__reference", "actor_name")

    def get_actions(self, request):
        return {}


@admin.register(UserAccess)
class UserAccessAdmin(admin.ModelAdmin):
    """Which customs offices a user works for (warehouse staff see only these; auditors and
    administrators are national unless offices are listed), or which right holder a right
    holder's user answers for (seizures.scoping)."""

    list_display = ("user", "national", "office_codes", "right_holder")
    list_filter = ("national", "offices", "right_holder")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("offices",)
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "right_holder")
            .prefetch_related("offices")
        )

    @admin.display(description="Offices")
    def office_codes(self, access: UserAccess) -> str:
        return ", ".join(office.code for office in access.offices.all()) or "—"
