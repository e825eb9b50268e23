from django.urls import path

from project.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/letters/", views.LetterListView.as_view(), name="letters"),
    path("notifications/letters/<int:pk>/", views.LetterDetailView.as_view(), name="letter-detail"),
    path("notifications/settings/", views.PreferencesView.as_view(), name="preferences"),
]
