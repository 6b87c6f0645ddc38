"""Data API routes (included under /api/v1/ by portal.api_urls), beside the catalog's resource routes."""
from django.urls import path

from . import api

urlpatterns = [
    path("resources/<int:resource_id>/datastore/", api.DatastoreStatusView.as_view(), name="api-datastore-status"),
    path("resources/<int:resource_id>/schema/", api.TableSchemaView.as_view(), name="api-datastore-schema"),
    path("resources/<int:resource_id>/rows/", api.RowsView.as_view(), name="api-datastore-rows"),
    path("resources/<int:resource_id>/aggregate/", api.AggregateView.as_view(), name="api-datastore-aggregate"),
]
