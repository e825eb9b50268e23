from django.urls import path

from compliance.api.statistics_views import StatisticsView

urlpatterns = [
    path("statistics/<int:year>/", StatisticsView.as_view(), name="statistics"),
]
