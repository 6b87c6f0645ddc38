"""Quality API routes (included under /api/v1/ by portal.api_urls, before the catalog's greedy dataset routes)."""
from django.urls import path

from . import api

urlpatterns = [
    path("resources/<int:resource_id>/quality/", api.ResourceQualityView.as_view(), name="api-resource-quality"),
    path("resources/<int:resource_id>/mask/", api.ResourceMaskView.as_view(), name="api-resource-mask"),
    path("datasets/<path:identifier>/quality/", api.ScoreCardView.as_view(), name="api-dataset-quality"),
    path("quality/organizations/<slug:slug>/attention/", api.OrganizationAttentionView.as_view(),
         name="api-quality-attention"),
]
