"""Contributions API v1 routes (included under /api/v1/contributions/ by portal.api_urls)."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("", api.ContributionViewSet, basename="api-contribution")

urlpatterns = router.urls
