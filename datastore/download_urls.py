"""Table exports, mounted at /download/ beside the file downloads."""
from django.urls import path

from . import api

urlpatterns = [
    path("resources/<int:resource_id>/data.<str:fmt>", api.ExportView.as_view(), name="datastore-export"),
]
