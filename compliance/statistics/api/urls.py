from django.urls import path

from compliance.statistics.api.views import (
    StatisticsEditionsView,
    StatisticsQualityView,
    StatisticsView,
)

urlpatterns = [
    path("statistics/<int:year>/", StatisticsView.as_view(), name="statistics"),
    path(
        "statistics/<int:year>/editions/",
        StatisticsEditionsView.as_view(),
        name="statistics-editions",
    ),
    path(
        "statistics/<int:year>/quality/", StatisticsQualityView.as_view(), name="statistics-quality"
    ),
]
