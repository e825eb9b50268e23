from destruction.costs.api.views import StatementViewSet
from project.routers import Router

router = Router()
router.register("statements", StatementViewSet, basename="statement")

urlpatterns = router.urls
