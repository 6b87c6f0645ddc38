"""Quality API routes (included under /api/v1/ by portal.api_urls, before the catalog's greedy dataset routes)."""
from django.urls import path

from . import api

urlpatterns = [
    path("datasets/<path:identifier>/quality/", api.ScoreCardView.as_view(), name="api-dataset-quality"),
]
