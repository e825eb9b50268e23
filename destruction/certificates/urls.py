"""Certificate pages, and the public verification pages (no login)."""

from django.urls import path

from destruction.certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="list"),
    path("certificates/issue/", views.IssueCertificateView.as_view(), name="issue"),
    path("certificates/<str:number>/", views.CertificateDetailView.as_view(), name="detail"),
    path("certificates/<str:number>/pdf/", views.CertificatePdfView.as_view(), name="pdf"),
    path("certificates/<str:number>/revoke/", views.RevokeCertificateView.as_view(), name="revoke"),
    path(
        "certificates/<str:number>/reissue/",
        views.ReissueCertificateView.as_view(),
        name="reissue",
    ),
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/seal-ca.pem", views.seal_certificate, name="seal-ca"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
