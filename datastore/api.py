"""Data API v1: loaded tables' status, schema, rows and aggregations, and full exports.

Thin views: datastore.selectors applies the grade rules (404 for what the
caller may not see, 403 for data it may not have), datastore.query turns
validated parameters into SQL, datastore.export_streams picks who writes the
bytes (PostgreSQL's COPY, or datastore.exports in Python), unless a whole-table
export is served from the file written after the load (datastore.export_files).
Calls on conditional data are audited (datasets.access_audit) when the response is
closed, with the bytes sent: exports as downloads, rows and aggregates as data
queries (repeats within a minute counted, audit.repeats); refusals too.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from audit.models import AuditEntry
from core.counted_responses import CountedStreamingResponse
from core.exceptions import documented_errors
from core.http_files import DOWNLOAD_CACHE_CONTROL, content_disposition
from datasets import tasks as catalog_tasks
from datasets.access_audit import download_audit
from datasets.downloads.views import DownloadView

from . import export_files, export_streams, exports, indexing, query, selectors
from .serializers import DatastoreStatusSerializer, LoadSerializer, RowsSerializer, TableSchemaSerializer

RESOURCE_ID = OpenApiParameter("resource_id", OpenApiTypes.INT, OpenApiParameter.PATH)
FILTER = OpenApiParameter(
    "filter", OpenApiTypes.OBJECT, OpenApiParameter.QUERY, style="deepObject", explode=True,
    description="Per-column filters: `filter[<column>]=<value>` (equals) or `filter[<column>][<op>]=<value>` with "
                "op one of eq, ne, lt, lte, gt, gte, in (comma-separated values), contains (text, case-insensitive), "
                "isnull (true/false). Values must fit the column's type. Repeat a parameter to AND conditions.",
)
Q = OpenApiParameter("q", OpenApiTypes.STR, description="Full-text: rows whose text columns contain every word.")
SORT = OpenApiParameter("sort", OpenApiTypes.STR, description="Comma-separated columns, `-` for descending; NULLs last.")
LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="Rows per response (default 100, maximum 1000).")
OFFSET = OpenApiParameter("offset", OpenApiTypes.INT, description="Rows to skip (for deep paging use `cursor`).")
ERRORS = documented_errors(400, 403, 404)
STREAMED = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "text/tab-separated-values"): OpenApiTypes.BINARY,
    (200, exports.FORMATS["jsonl"][0]): OpenApiTypes.BINARY,
    (200, "application/geo+json"): OpenApiTypes.OBJECT,
    (200, exports.FORMATS["xlsx"][0]): OpenApiTypes.BINARY,
    (200, exports.FORMATS["parquet"][0]): OpenApiTypes.BINARY,
}


def _format(request, allowed):
    value = request.query_params.get("format") or "json"
    if value not in allowed:
        raise ValidationError({"format": _("未知的格式：%(f)s。可选：%(fs)s。") % {"f": value, "fs": ", ".join(allowed)}})
    return value


def _stream(request, resource, chunks, fmt, filename=None, counted=False):
    """A streamed body, audited for conditional data: a full export as a download, the rest as a data query."""
    content_type = exports.FORMATS[fmt][0]
    action = AuditEntry.Action.DATA_DOWNLOAD if counted else AuditEntry.Action.DATA_QUERY
    response = CountedStreamingResponse(
        chunks, content_type=content_type, audit=download_audit(request, resource.dataset, resource, action),
        counted_ids=[resource.pk] if counted else [], count_download=catalog_tasks.count_download.delay,
    )
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = content_disposition(filename)
    return response


def _export_name(resource, table, fmt):
    return f"resource-{resource.pk}-v{table.version.number}.{exports.FORMATS[fmt][1]}"


def _check_geo(table, fmt, columns):
    if fmt == "geojson" and exports.geo_columns(columns) is None:
        raise ValidationError({"format": _("该表没有经纬度或几何列，不能输出 GeoJSON。")})


class DataView(DownloadView):
    """Session, token or API-key auth; errors always in the portal's JSON shape."""

    http_method_names = ["get"]


class DatastoreStatusView(DataView):
    @extend_schema(summary="Load status of a tabular resource: the active table and the latest load's progress",
                   parameters=[RESOURCE_ID], responses={200: DatastoreStatusSerializer, **ERRORS})
    def get(self, request, resource_id):
        resource = selectors.resource_with_data(request, resource_id)
        latest = selectors.latest_load(resource)
        active = resource.serving_table
        return Response({"active": active and LoadSerializer(active).data,
                         "latest": latest and LoadSerializer(latest).data})


class TableSchemaView(DataView):
    @extend_schema(summary="Columns and types of a resource's table", parameters=[RESOURCE_ID],
                   responses={200: TableSchemaSerializer, **ERRORS})
    def get(self, request, resource_id):
        resource = selectors.resource_with_data(request, resource_id)
        table = selectors.active_table(resource)
        geo = exports.geo_columns(table.columns)
        return Response({
            "resource": resource.pk, "version": table.version.number, "row_count": table.row_count,
            "fields": [{"name": c["name"], "type": c["type"], "indexed": table.is_indexed(c["name"])}
                       for c in table.columns],
            "geo": list(geo) if geo else None,
        })


class RowsView(DataView):
    @extend_schema(
        summary="Rows of a resource's table: filter, search, sort, select fields, page by offset or cursor",
        parameters=[
            RESOURCE_ID, FILTER, Q, SORT, LIMIT, OFFSET,
            OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated columns to return."),
            OpenApiParameter("cursor", OpenApiTypes.STR,
                             description="Keyset cursor: `next_cursor` of the previous page (same filters and sort)."),
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(exports.FORMATS), description="Default json."),
        ],
        responses={200: RowsSerializer, **STREAMED, **ERRORS},
    )
    def get(self, request, resource_id):
        resource = selectors.resource_with_data(request, resource_id)
        table = selectors.active_table(resource)
        fmt = _format(request, tuple(exports.FORMATS))
        rows_query = query.RowQuery(table, request.query_params)
        columns = rows_query.output_columns()
        _check_geo(table, fmt, columns)
        indexing.record_use(resource.pk, rows_query.uses())
        if fmt != "json":
            chunks = export_streams.export_chunks(rows_query, fmt)
            return _stream(request, resource, chunks, fmt, _export_name(resource, table, fmt))
        rows = list(selectors.fetch(*rows_query.sql(), rows_query.read_types(), streamed=False))
        count_sql = rows_query.count_sql()
        total = table.row_count if count_sql is None else selectors.scalar(*count_sql)
        return _stream(request, resource, [self._json(rows_query, rows, columns, total)], fmt)

    @staticmethod
    def _json(rows_query, rows, columns, total):
        """The page in one piece (at most DATASTORE_MAX_LIMIT rows, read already): one encoding call, one write."""
        names = ["_id"] + [c["name"] for c in columns]
        more = bool(rows) and len(rows) == rows_query.limit
        return exports.dumps({
            "fields": columns, "total": total, "limit": rows_query.limit, "offset": rows_query.offset,
            "rows": [dict(zip(names, row)) for row in rows],
            "next_cursor": rows_query.encode_cursor(rows[-1]) if more else None,
        }).encode()


class AggregateView(DataView):
    @extend_schema(
        summary="Aggregations of a resource's table: count, sum, avg, min, max, grouped by columns",
        parameters=[
            RESOURCE_ID, FILTER, Q, LIMIT, OFFSET,
            OpenApiParameter("group_by", OpenApiTypes.STR, description="Comma-separated columns to group by."),
            OpenApiParameter("metrics", OpenApiTypes.STR,
                             description="Comma-separated: count, count:<column>, sum:<column>, avg:<column>, "
                                         "min:<column>, max:<column> (default count). Results are named like "
                                         "`count` and `sum(<column>)`."),
            OpenApiParameter("sort", OpenApiTypes.STR, description="Group columns or result names, `-` for descending."),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx", "parquet"]),
        ],
        responses={200: OpenApiTypes.OBJECT, **STREAMED, **ERRORS},
    )
    def get(self, request, resource_id):
        resource = selectors.resource_with_data(request, resource_id)
        table = selectors.active_table(resource)
        fmt = _format(request, ("json", "csv", "xlsx", "parquet"))
        aggregate = query.AggregateQuery(table, request.query_params)
        indexing.record_use(resource.pk, [(name, False) for name in aggregate.filters.indexable])
        columns = aggregate.output_columns()
        rows = selectors.fetch(*aggregate.sql(), aggregate.read_types(), streamed=False)
        if fmt != "json":
            name = f"resource-{resource.pk}-v{table.version.number}-aggregate.{exports.FORMATS[fmt][1]}"
            return _stream(request, resource, exports.WRITERS[fmt](columns, rows), fmt, name)
        head = exports.dumps({"fields": columns, "limit": aggregate.limit, "offset": aggregate.offset})
        body = exports.write_json(columns, rows)
        return _stream(request, resource, _wrap(head[:-1].encode() + b',"rows":', body, b"}"), fmt)


def _wrap(prefix, chunks, suffix):
    yield prefix
    yield from chunks
    yield suffix


class ExportView(DataView):
    """The whole table (or a filtered, sorted selection of it) as one file: a download."""

    @extend_schema(
        summary="Download a tabular resource's table as CSV, TSV, JSON, JSON Lines, GeoJSON, XLSX or Parquet (streamed)",
        parameters=[RESOURCE_ID, OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH,
                                                  enum=list(exports.FORMATS)), FILTER, Q, SORT,
                    OpenApiParameter("fields", OpenApiTypes.STR)],
        responses={(200, "application/json"): {"type": "array", "items": {"type": "object"}}, **STREAMED, **ERRORS},
    )
    def get(self, request, resource_id, fmt):
        resource = selectors.resource_with_data(request, resource_id)
        table = selectors.active_table(resource)
        if fmt not in exports.FORMATS:
            raise ValidationError({"format": _("未知的格式：%(f)s。") % {"f": fmt}})
        rows_query = query.RowQuery(table, request.query_params, allowed=query.EXPORT_PARAMETERS, paged=False)
        columns = rows_query.output_columns()
        _check_geo(table, fmt, columns)
        # The whole table's file, written once after the load, when there is one; else live.
        chunks = export_files.served_chunks(table, fmt) if rows_query.is_whole_table() else None
        if chunks is None:
            chunks = export_streams.export_chunks(rows_query, fmt)
        return _stream(request, resource, chunks, fmt, _export_name(resource, table, fmt), counted=True)
