from django.contrib import admin

from project.lockout import AdminSignInForm
from project.models import ApiToken

# The admin login names a lockout like the main login does.
admin.site.login_form = AdminSignInForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds which API token and when it was last used; deleting one revokes it. Tokens are
    issued only through the API, which shows the key once."""

    list_display = ("user", "name", "created", "last_used")
    list_filter = ("name",)
    search_fields = ("user__username", "name")
    readonly_fields = ("user", "name", "created", "last_used")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
