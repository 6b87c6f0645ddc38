"""File downloads, mounted at /download/ (outside the language prefix: bytes have no language)."""
from django.urls import path

from . import downloads

urlpatterns = [
    path("resources/<int:resource_id>/", downloads.ResourceDownloadView.as_view(), name="resource-download"),
    path(
        "resources/<int:resource_id>/v<int:number>/",
        downloads.ResourceVersionDownloadView.as_view(),
        name="resource-version-download",
    ),
    # Identifiers may hold "/", ":" and ".": a fixed suffix keeps the route unambiguous.
    path("datasets/<path:identifier>/zip/", downloads.DatasetZipView.as_view(), name="dataset-download-zip"),
]
