from destruction.api import views
from project.routers import Router

router = Router()
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("destruction-orders", views.DestructionOrderViewSet, basename="destruction-order")

urlpatterns = router.urls
