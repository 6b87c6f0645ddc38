"""Quality API routes (included under /api/v1/ by portal.api_urls), beside the catalog's resource routes."""
from django.urls import path

from . import api

urlpatterns = [
    path("resources/<int:resource_id>/quality/", api.ResourceQualityView.as_view(), name="api-resource-quality"),
    path("resources/<int:resource_id>/mask/", api.ResourceMaskView.as_view(), name="api-resource-mask"),
]
