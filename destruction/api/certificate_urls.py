from django.urls import path
from rest_framework.routers import SimpleRouter

from destruction.api.certificate_views import CertificateViewSet, VerifyView

router = SimpleRouter()
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    *router.urls,
    path("verify/<str:code>/", VerifyView.as_view(), name="verify-certificate"),
]
