from django.urls import path

from compliance.reviews.api.views import ReviewCertificateView

# Beside the other certificate endpoints (/api/v1/certificates/{number}/...).
urlpatterns = [
    path(
        "certificates/<str:number>/review/",
        ReviewCertificateView.as_view(),
        name="certificate-review",
    ),
]
