"""File downloads, mounted at /download/ (outside the language prefix: bytes have no language)."""
from django.urls import path

from .downloads import views

urlpatterns = [
    path("resources/<int:resource_id>/", views.ResourceDownloadView.as_view(), name="resource-download"),
    path(
        "resources/<int:resource_id>/v<int:number>/",
        views.ResourceVersionDownloadView.as_view(),
        name="resource-version-download",
    ),
    # Identifiers may hold "/", ":" and ".": a fixed suffix keeps the route unambiguous.
    path("datasets/<path:identifier>/zip/", views.DatasetZipView.as_view(), name="dataset-download-zip"),
]
