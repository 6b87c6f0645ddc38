"""Access API v1 routes (included under /api/v1/access/ by portal.api_urls)."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("applications", api.ApplicationViewSet, basename="api-access-application")
router.register("grants", api.GrantViewSet, basename="api-access-grant")
router.register("usage-reports", api.UsageReportViewSet, basename="api-access-usage-report")
router.register("audit", api.AuditViewSet, basename="api-access-audit")

urlpatterns = router.urls
