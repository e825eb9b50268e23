from rest_framework.routers import SimpleRouter

from destruction.api import views

router = SimpleRouter()
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("destruction-orders", views.DestructionOrderViewSet, basename="destruction-order")

urlpatterns = router.urls
