from django import forms
from django.contrib import admin

from compliance.models import ComplianceCheck, ExchangeRate
from compliance.statistics.rates import CURRENCY_CODE


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ("year", "currency", "rate")

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY_CODE.match(code):
            raise forms.ValidationError("Give a three-letter ISO 4217 code, e.g. USD.")
        return code

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate is not None and rate <= 0:
            raise forms.ValidationError("The rate must be above 0.")
        return rate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """The yearly rate table of the statistics (reporting-currency units per 1 unit)."""

    form = ExchangeRateForm
    list_display = ("year", "currency", "rate")
    list_filter = ("year",)
    search_fields = ("currency",)
    ordering = ("-year", "currency")


@admin.register(ComplianceCheck)
class ComplianceCheckAdmin(admin.ModelAdmin):
    """Stored checks are evidence of what the rulebook said at the time: read-only here."""

    list_display = ("checked_at", "stage", "order", "lot", "verdict", "rulebook_version")
    list_filter = ("stage", "verdict", "rulebook_version")
    search_fields = ("order__reference", "lot__reference")
    list_select_related = ("order", "lot", "checked_by")
    readonly_fields = (
        "stage",
        "order",
        "lot",
        "rulebook_version",
        "verdict",
        "findings",
        "checked_at",
        "checked_by",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
