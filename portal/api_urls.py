"""API v1: its index, then every app's API routes, under /api/v1/."""
from django.urls import include, path

from .api_index import ApiIndexView

urlpatterns = [
    path("", ApiIndexView.as_view(), name="api-index"),
    # quality: datasets/<identifier>/quality/ before the catalog's greedy datasets/<identifier>/.
    path("", include("quality.api_urls")),
    path("", include("datasets.api_urls")),
    path("search/", include("search.api_urls")),
    path("", include("datastore.api_urls")),
    path("access/", include("access.api_urls")),
    path("enterprises/", include("enterprises.api_urls")),
    path("keys/", include("apikeys.api_urls")),
    path("contributions/", include("contributions.api_urls")),
    path("harvest/", include("harvest.api_urls")),
    path("evaluation/", include("evaluation.api_urls")),
]
