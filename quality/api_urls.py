"""Quality API v1 routes (included under /api/v1/quality/ by portal.api_urls)."""
from django.urls import path

from . import api

urlpatterns = [
    path("organizations/<slug:slug>/attention/", api.OrganizationAttentionView.as_view(),
         name="api-quality-attention"),
]
