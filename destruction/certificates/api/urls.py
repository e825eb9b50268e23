from django.urls import path

from destruction.certificates.api.views import CertificateViewSet, VerifyView
from project.routers import Router

router = Router()
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    *router.urls,
    path("verify/<str:code>/", VerifyView.as_view(), name="verify-certificate"),
]
