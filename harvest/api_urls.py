"""Harvest API v1 routes (included under /api/v1/harvest/ by portal.api_urls)."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("sources", api.HarvestSourceViewSet, basename="api-harvest-source")
router.register("jobs", api.HarvestJobViewSet, basename="api-harvest-job")

urlpatterns = router.urls
