from django.urls import path

from destruction.transport import views

app_name = "transport"

urlpatterns = [
    path("orders/<int:pk>/transport/", views.TransportView.as_view(), name="overview"),
    path(
        "orders/<int:pk>/transport/annex-vii.json",
        views.AnnexViiExportView.as_view(),
        name="annex-vii",
    ),
    path(
        "orders/<int:pk>/transport/<slug:kind>.pdf",
        views.TransportDocumentView.as_view(),
        name="document",
    ),
]
