"""The auditors' review pages."""

from django.urls import path

from compliance.reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.ReviewQueueView.as_view(), name="queue"),
    path("reviews/decisions/", views.ReviewListView.as_view(), name="list"),
    path("reviews/<str:number>/", views.ReviewDetailView.as_view(), name="detail"),
]
