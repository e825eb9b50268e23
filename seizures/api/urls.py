from project.routers import Router
from seizures.api import views

router = Router()
router.register("seizures", views.SeizureViewSet, basename="seizure")
router.register("lots", views.LotViewSet, basename="lot")
router.register("intake-batches", views.IntakeBatchViewSet, basename="intake-batch")
router.register("custody-events", views.CustodyEventViewSet, basename="custody-event")
router.register("custody-seals", views.CustodySealViewSet, basename="custody-seal")
router.register("customs-offices", views.CustomsOfficeViewSet, basename="customs-office")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("locations", views.StorageLocationViewSet, basename="location")
router.register("right-holders", views.RightHolderViewSet, basename="right-holder")
router.register("holidays", views.HolidayViewSet, basename="holiday")
router.register("right-holder-acts", views.RightHolderActViewSet, basename="right-holder-act")

urlpatterns = router.urls
