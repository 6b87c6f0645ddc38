"""Reads of loaded tables, with the grade rules applied first."""
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from datasets import selectors as catalog
from datasets.download_refusals import ensure_can_download
from datasets.grading import viewer_for

from . import readers, types
from .models import DatastoreTable

FETCH_ROWS = 2000
COPY_CHUNK_BYTES = 64 * 1024


class NotLoaded(DomainError):
    """The resource exists for the caller but has no table to query (yet)."""

    status_code = 404
    code = "not_loaded"


def resource_with_data(request, resource_id):
    """The resource, once the caller may see it (else 404) and have its data (else 403).

    Access is decided by datasets.grading (through ensure_can_download), with
    the request's credential, so an enterprise API key's grant counts, and the
    versions whose rows would be served (served_versions) held for personal data refuse.
    """
    resource = catalog.resource_for(viewer_for(request), resource_id)
    ensure_can_download(request, resource.dataset, served_versions(resource))
    return resource


def served_versions(resource):
    """The current version and the one whose table answers queries (an older one until the new one loads)."""
    active = [table.version for table in DatastoreTable.objects.filter(resource=resource, is_active=True)
              .select_related("version")]
    return [resource.current_version, *active]


def latest_load(resource):
    return DatastoreTable.objects.filter(resource=resource).select_related("version").order_by("-version__number").first()


def active_table(resource):
    """The table serving the resource, or a 404 naming why there is none."""
    table = DatastoreTable.objects.filter(resource=resource, is_active=True).select_related("version").first()
    if table is not None:
        return table
    if not readers.is_tabular(resource.format):
        raise NotLoaded(_("该资源不是表格数据（CSV、TSV、XLSX、JSON、GeoJSON），没有数据接口。"), field="resource")
    latest = latest_load(resource)
    if latest is not None and latest.status == DatastoreTable.Status.FAILED:
        raise NotLoaded(_("该资源加载失败：%(errors)s") % {"errors": " ".join(latest.errors)}, field="resource")
    raise NotLoaded(_("该资源尚未加载完成，请稍后再试。"), field="resource")


def fetch(sql, params, column_types, batch=FETCH_ROWS):
    """Rows of a query as presented values, a batch at a time (a server-side cursor on PostgreSQL)."""
    converters = [(i, convert) for i, convert in enumerate(map(types.presenter, column_types)) if convert]
    with transaction.atomic():  # a server-side cursor lives inside a transaction
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(batch):
                for row in rows:
                    if converters:
                        row = list(row)
                        for i, convert in converters:
                            row[i] = convert(row[i])
                    yield row


def scalar(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def copy_out(statement, params, setup=()):
    """What `COPY (...) TO STDOUT` writes, as PostgreSQL sends it, joined into chunks of about 64 KiB.

    Nothing is read ahead of the consumer, so a slow client holds the server back
    (it waits on its socket), and no more than a chunk is ever held here. Closing
    the generator before the end (the client went away: the server closes the
    response, which closes its iterator) exits the copy with GeneratorExit, on which
    psycopg cancels the statement and drains what was in flight: the query stops,
    and the connection is left idle for the next request. `setup`: statements run first, on the same session.
    """
    with connection.cursor() as cursor:
        for sql in setup:
            cursor.execute(sql)
        with cursor.cursor.copy(statement, params) as copy:
            pieces, size = [], 0
            for piece in copy:
                pieces.append(piece)
                size += len(piece)
                if size >= COPY_CHUNK_BYTES:
                    yield b"".join(pieces)
                    pieces, size = [], 0
            if pieces:
                yield b"".join(pieces)
