"""Evaluation API v1 routes (included under /api/v1/evaluation/ by portal.api_urls)."""
from django.urls import path

from . import api

urlpatterns = [
    path("", api.EvaluationView.as_view(), name="api-evaluation"),
    path("organizations/", api.OrganizationFiguresView.as_view(), name="api-evaluation-organizations"),
    path("organizations/<slug:slug>/", api.OrganizationHistoryView.as_view(), name="api-evaluation-organization"),
]
