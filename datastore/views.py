"""The data page of a tabular resource: load progress, then table, chart and map and exports.

The page only lays out the widgets; static/datastore/datastore.js fills them
from the data API, so what a visitor sees obeys exactly the API's rules.
"""
from django.conf import settings
from django.shortcuts import render

from datasets import grading
from core.security import tile_source
from organizations.roles import is_publisher

from . import charts, exports, query, readers
from .selectors import latest_load, resource_for, served_versions

EXPORT_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx", "parquet")


def resource_data(request, pk):
    viewer = grading.viewer_for(request)
    resource = resource_for(viewer, pk)  # 404 when the dataset is hidden from the user
    dataset = resource.dataset
    refusal = viewer.download_refusal(dataset, served_versions(resource))
    can_download = refusal is None
    # The load job's progress is the publishers' business; visitors see the data or a short notice.
    shows_load_status = can_download and is_publisher(request.user, dataset.organization)
    active = latest = None
    if can_download:
        active = resource.serving_table
        latest = latest_load(resource) if shows_load_status else None
    geo = active and exports.geo_columns(active.columns)
    chart = active and charts.default_chart(active.columns, resource.table_schema)
    return render(request, "datastore/resource_data.html", {
        "dataset": dataset, "resource": resource, "can_download": can_download,
        "personal_data_held": refusal == grading.Refusal.PERSONAL_DATA_HELD,
        "tabular": readers.is_tabular(resource.format), "active": active, "latest": latest,
        "shows_load_status": shows_load_status,
        "export_formats": EXPORT_FORMATS + (("geojson",) if geo else ()),
        "has_map": bool(geo), "max_limit": query.max_limit(),
        "preview": {"chart": chart and chart.as_dict(), "titles": charts.column_titles(resource.table_schema)},
        # A tile URL the Content-Security-Policy could not allow is left out: the outlines alone still work.
        "map_tile_url": settings.MAP_TILE_URL if tile_source(settings.MAP_TILE_URL) else "",
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    })
