from project.routers import Router
from seizures.api import reference, views

router = Router()
router.register("seizures", views.SeizureViewSet, basename="seizure")
router.register("lots", views.LotViewSet, basename="lot")
router.register("intake-batches", views.IntakeBatchViewSet, basename="intake-batch")
router.register("custody-events", views.CustodyEventViewSet, basename="custody-event")
router.register("custody-seals", views.CustodySealViewSet, basename="custody-seal")
router.register("customs-offices", reference.CustomsOfficeViewSet, basename="customs-office")
router.register("warehouses", reference.WarehouseViewSet, basename="warehouse")
router.register("locations", reference.StorageLocationViewSet, basename="location")
router.register("right-holders", reference.RightHolderViewSet, basename="right-holder")
router.register("holidays", reference.HolidayViewSet, basename="holiday")
router.register("right-holder-acts", views.RightHolderActViewSet, basename="right-holder-act")

urlpatterns = router.urls
