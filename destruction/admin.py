"""Admin: facilities and their permits are edited here (administrators; the API offers the
same through the facility service). Orders and records are read-only: their writes go through
the services, which append the custody chain."""

from django.contrib import admin

from destruction.costs.models import Tariff
from destruction.models import DestructionOrder, Facility, FacilityPermit, OrderLine


class FacilityPermitInline(admin.TabularInline):
    model = FacilityPermit
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "operator", "country", "active")
    list_filter = ("active", "country")
    search_fields = ("name", "operator")
    inlines = (FacilityPermitInline,)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("lot", "method", "actual_method", "legal_basis", "active")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DestructionOrder)
class DestructionOrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "status", "planned_date", "facility", "office")
    list_filter = ("status", "office")
    search_fields = ("reference",)
    inlines = (OrderLineInline,)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    """Tariffs are reference data: a new price is a new tariff valid from its date, so costs
    already accrued keep the tariff that set them."""

    list_display = ("kind", "basis", "amount", "currency", "zone_type", "method", "facility")
    list_filter = ("kind", "basis", "currency")
    date_hierarchy = "valid_from"
