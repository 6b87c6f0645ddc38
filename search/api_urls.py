"""Search API routes, mounted at /api/v1/search/."""
from django.urls import path

from . import api

urlpatterns = [
    path("", api.SearchView.as_view(), name="api-search"),
    path("suggest/", api.SuggestView.as_view(), name="api-search-suggest"),
    path("related/<path:identifier>/", api.RelatedView.as_view(), name="api-search-related"),
]
