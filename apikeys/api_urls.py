"""Key management API routes, mounted at /api/v1/keys/."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("", api.ApiKeyViewSet, basename="api-key")

urlpatterns = router.urls
