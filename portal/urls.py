"""Top-level routes: pages (translated), the API v1, its schema and docs, health."""
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.security import content_security_policy

from . import health

# Swagger UI is served from our static files (drf-spectacular-sidecar) but injects one
# inline <style> and data: images; its script is served by the split view itself.
API_DOCS_POLICY = {
    **settings.CONTENT_SECURITY_POLICY,
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
}

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("portal.api_urls")),
    path("download/", include("datasets.download_urls")),
    path("download/", include("datastore.download_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", content_security_policy(API_DOCS_POLICY)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("admin/", admin.site.urls),
    path("", include("exchange.urls")),
]

# Pages speak Simplified Chinese by default; /en/... serves English.
urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("access/", include("access.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("keys/", include("apikeys.urls")),
    path("contributions/", include("contributions.urls")),
    path("harvest/", include("harvest.urls")),
    path("search/", include("search.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("datasets.urls")),
    path("", include("datastore.urls")),
    path("", include("quality.urls")),
    # Last: /about/, /terms/... only where no other page matched.
    path("", include("sitepages.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Django's own errors: the JSON error shape under /api/ and /download/, the site's pages elsewhere.
handler400 = "core.http_errors.bad_request"
handler403 = "core.http_errors.permission_denied"
handler404 = "core.http_errors.page_not_found"
handler500 = "core.http_errors.server_error"
