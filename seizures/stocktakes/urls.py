from django.urls import path

from seizures.stocktakes import views

app_name = "stocktakes"

urlpatterns = [
    path("stocktakes/", views.StocktakeListView.as_view(), name="list"),
    path("stocktakes/new/", views.OpenStocktakeView.as_view(), name="open"),
    path("stocktakes/<int:pk>/", views.StocktakeDetailView.as_view(), name="detail"),
    path("stocktakes/<int:pk>/scan/", views.StocktakeScanView.as_view(), name="scan"),
    path("stocktakes/<int:pk>/resolve/", views.ResolveView.as_view(), name="resolve"),
    path("stocktakes/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("stocktakes/<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
]
