from django.urls import path

from destruction.transport import views

app_name = "transport"

urlpatterns = [
    path(
        "orders/<int:pk>/transport/<slug:kind>.pdf",
        views.TransportDocumentView.as_view(),
        name="document",
    ),
]
