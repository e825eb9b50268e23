"""The statistics pages and downloads."""

from django.urls import path

from compliance.statistics import views

app_name = "statistics"

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="page"),
    path("statistics/<int:year>/close/", views.StatisticsCloseView.as_view(), name="close"),
    path(
        "statistics/<int:year>/report.pdf",
        views.StatisticsReportView.as_view(),
        name="report",
    ),
    path(
        "statistics/<int:year>/statistics.<str:file_format>",
        views.StatisticsExportView.as_view(),
        name="export",
    ),
]
