from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from project import views
from project.audit_api import AuditEventViewSet
from project.forms import SignInForm
from project.routers import Router
from project.token_api import TokenView

audit_router = Router()
audit_router.register("audit-events", AuditEventViewSet, basename="auditevent")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(audit_router.urls)),
    path("", include("seizures.api.urls")),
    path("", include("seizures.stocktakes.api.urls")),
    path("", include("destruction.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("destruction.certificates.api.urls")),
    path("", include("destruction.costs.api.urls")),
    path("", include("compliance.reviews.api.urls")),
    path("", include("compliance.statistics.api.urls")),
]

handler404 = "project.views.not_found"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("", include("project.notifications.urls")),
    path(
        "audit/<str:object_type>/<str:object_id>/",
        views.HistoryView.as_view(),
        name="audit-history",
    ),
    path("", include("seizures.urls")),
    path("", include("seizures.stocktakes.urls")),
    path("", include("destruction.urls")),
    path("", include("compliance.urls")),
    path("", include("destruction.certificates.urls")),
    path("", include("destruction.transport.urls")),
    path("", include("destruction.costs.urls")),
    path("", include("compliance.reviews.urls")),
    path("", include("compliance.statistics.urls")),
    path("", include("destruction.portal.urls")),
    path("api/v1/", include(api_v1)),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=(IsAuthenticated,)),
        name="api-schema",
    ),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file: the Content-Security-Policy
        # allows no inline script.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", permission_classes=(IsAuthenticated,)
        ),
        name="api-docs",
    ),
    # Last: any other path under /api/ is a 404 in the API's error shape, also with DEBUG on
    # (where Django would answer its HTML debug page instead of calling handler404). Only paths
    # ending in "/" match, so a missing slash is still redirected by APPEND_SLASH.
    re_path(r"^api/(?:.*/)?$", views.api_not_found),
]
