from project.routers import Router
from seizures.stocktakes.api.views import StocktakeViewSet

router = Router()
router.register("stocktakes", StocktakeViewSet, basename="stocktake")

urlpatterns = router.urls
