from django.urls import path

from destruction.costs import views

app_name = "costs"

urlpatterns = [
    path("statements/", views.StatementListView.as_view(), name="statement-list"),
    path("statements/issue/", views.StatementIssueView.as_view(), name="statement-issue"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("statements/<int:pk>/pay/", views.PaymentView.as_view(), name="statement-pay"),
    path("statements/<int:pk>/pdf/", views.StatementPdfView.as_view(), name="statement-pdf"),
    path("statements/<int:pk>/csv/", views.StatementCsvView.as_view(), name="statement-csv"),
]
