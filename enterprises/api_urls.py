"""Enterprise API v1 routes (under /api/v1/enterprises/)."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("", api.EnterpriseViewSet, basename="api-enterprise")

urlpatterns = router.urls
