from django.urls import path

from seizures import views
from seizures.batches import views as batch_views
from seizures.lots import views as lot_views
from seizures.warehouses import views as warehouse_views

app_name = "seizures"

urlpatterns = [
    path("seizures/", views.SeizureListView.as_view(), name="seizure-list"),
    path("seizures/new/", views.SeizureCreateView.as_view(), name="seizure-create"),
    path("seizures/import/", batch_views.ImportView.as_view(), name="seizure-import"),
    path("seizures/imports/<int:pk>/", batch_views.IntakeBatchView.as_view(), name="intake-batch"),
    path(
        "seizures/imports/<int:pk>/labels/",
        batch_views.IntakeBatchLabelsView.as_view(),
        name="intake-batch-labels",
    ),
    path(
        "seizures/imports/<int:pk>/place/",
        batch_views.IntakeBatchPlaceView.as_view(),
        name="intake-batch-place",
    ),
    path("seizures/<int:pk>/", views.SeizureDetailView.as_view(), name="seizure-detail"),
    path("seizures/<int:pk>/edit/", views.SeizureEditView.as_view(), name="seizure-edit"),
    path("seizures/<int:pk>/court/", views.CourtCaseView.as_view(), name="seizure-court"),
    path("seizures/<int:pk>/amend/", views.SeizureAmendView.as_view(), name="seizure-amend"),
    path("seizures/<int:pk>/lots/new/", views.AddLotsView.as_view(), name="seizure-add-lots"),
    path("seizures/<int:pk>/hold/", views.HoldView.as_view(), name="seizure-hold"),
    path("seizures/<int:pk>/lift-hold/", views.LiftHoldView.as_view(), name="seizure-lift-hold"),
    path("lots/", lot_views.LotListView.as_view(), name="lot-list"),
    path("lots/labels/", lot_views.LotLabelsView.as_view(), name="lot-labels"),
    path("lots/<int:pk>/", lot_views.LotDetailView.as_view(), name="lot-detail"),
    path("lots/<int:pk>/move/", lot_views.LotMoveView.as_view(), name="lot-move"),
    path("lots/<int:pk>/sample/", lot_views.LotSampleView.as_view(), name="lot-sample"),
    path("lots/<int:pk>/release/", lot_views.LotReleaseView.as_view(), name="lot-release"),
    path("lots/<int:pk>/reclassify/", lot_views.LotReclassifyView.as_view(), name="lot-reclassify"),
    path("lots/<int:pk>/condition/", lot_views.LotConditionView.as_view(), name="lot-condition"),
    path(
        "lots/<int:pk>/photos/<int:photo_pk>/", lot_views.LotPhotoView.as_view(), name="lot-photo"
    ),
    path("lots/<int:pk>/amend/", lot_views.LotAmendView.as_view(), name="lot-amend"),
    path("custody/", views.CustodyEventListView.as_view(), name="custody-list"),
    path("storage/move/", warehouse_views.ScanMoveView.as_view(), name="scan-move"),
    path("storage/ageing/", lot_views.AgeingView.as_view(), name="ageing"),
    path("storage/warehouses/", warehouse_views.WarehouseListView.as_view(), name="warehouse-list"),
    path(
        "storage/warehouses/<int:pk>/",
        warehouse_views.WarehouseOccupancyView.as_view(),
        name="warehouse-detail",
    ),
    path("storage/locations/", warehouse_views.LocationListView.as_view(), name="location-list"),
    path(
        "storage/locations/labels/",
        warehouse_views.LocationLabelsView.as_view(),
        name="location-labels",
    ),
    path("right-holders/", views.RightHolderListView.as_view(), name="rightholder-list"),
]
