from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from project.models import ApiToken


def admin_login(request, extra_context=None):
    """The administration signs in through the login page, which applies the lockout and the
    second factor; a signed-in user without admin access is refused rather than sent back to
    a login that would return them here."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", reverse("admin:index")))


admin.site.login = admin_login


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
