from django.urls import path

from compliance.statistics.api.views import StatisticsView

urlpatterns = [
    path("statistics/<int:year>/", StatisticsView.as_view(), name="statistics"),
]
