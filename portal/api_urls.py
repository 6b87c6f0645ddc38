"""API v1: every app's API routes, under /api/v1/."""
from django.urls import include, path

urlpatterns = [
    path("", include("datasets.api_urls")),
    path("search/", include("search.api_urls")),
]
