"""Admin: reference data is edited here (validated by the models' clean()). Seizures, lots and
custody events are read-only: their writes go through the services, which append the custody
chain; custody events offer no add, change or delete at all (append-only, digest X-CC-01)."""

from django.contrib import admin

from seizures.models import (
    CustodyEvent,
    CustomsOffice,
    Holiday,
    Lot,
    RightHolder,
    Seizure,
    StorageLocation,
    Warehouse,
)


@admin.register(CustomsOffice)
class CustomsOfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country")
    search_fields = ("code", "name")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


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
    list_filter = ("status", "waste_class")
    search_fields = ("reference", "description", "brand")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ("lot", "sequence", "kind", "occurred_at", "actor_name", "to_location")
    list_select_related = ("lot", "to_location")
    list_filter = ("kind",)
    search_fields = ("lot__reference", "actor_name")

    def get_actions(self, request):
        return {}
