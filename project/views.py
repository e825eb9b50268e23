from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from project.api import error_body
from project.dashboard import panels_for
from project.filtersets import AuditEventFilterSet
from project.models import AuditEvent
from project.pagination import CappedPaginator
from project.roles import RIGHT_HOLDER, ROLES


@login_required
def dashboard(request):
    roles = [g.name for g in request.user.groups.all() if g.name in ROLES]
    if roles == [RIGHT_HOLDER]:
        # A right holder's user has its own pages (destruction.portal): its cases.
        return redirect("right-holder:home")
    return render(request, "dashboard.html", {"roles": roles, "panels": panels_for(request)})


def not_found(request, exception=None):
    """A 404 in the API's error shape under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


@csrf_exempt  # it changes nothing; a POST must get the 404, not the CSRF page
def api_not_found(request, exception=None):
    """No API operation at this path, whatever the method: the API's error shape."""
    return JsonResponse(error_body("Not found."), status=404)


class Protected(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; logged-in users without the permission get 403."""


class FilteredListView(Protected, ListView):
    """A list page driven by the same FilterSet as the API; invalid filters show an empty list
    with the form's errors."""

    filterset_class = None
    paginate_by = 50
    paginator_class = CappedPaginator

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.base_queryset(), request=self.request
        )
        if not self.filterset.is_valid():
            return self.base_queryset().none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class AuditLogView(FilteredListView):
    """Administrators and auditors: every recorded create, change, delete, sign-in and download,
    filtered like GET /api/v1/audit-events/."""

    permission_required = "project.view_auditevent"
    template_name = "audit/audit_log.html"
    filterset_class = AuditEventFilterSet

    def base_queryset(self):
        return AuditEvent.objects.all()


class HistoryView(Protected, ListView):
    """The history tab of one record: its audit events, newest first."""

    permission_required = "project.view_auditevent"
    template_name = "audit/history.html"
    paginate_by = 50

    def get_queryset(self):
        return AuditEvent.objects.filter(
            object_type=self.kwargs["object_type"], object_id=self.kwargs["object_id"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object_type=self.kwargs["object_type"], object_id=self.kwargs["object_id"], **kwargs
        )
