"""Reads of loaded tables, with the grade rules applied first."""
import contextlib
import select

from django.db import DatabaseError, connection, transaction
from django.db.models import FilteredRelation, Q
from psycopg import pq
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from datasets import selectors as catalog
from datasets.download_refusals import ensure_can_download
from datasets.grading import viewer_for
from datasets.models import Resource

from . import readers, types
from .models import DatastoreTable, ExportFile

FETCH_ROWS = 2000
COPY_CHUNK_BYTES = 64 * 1024


class NotLoaded(DomainError):
    """The resource exists for the caller but has no table to query (yet)."""

    status_code = 404
    code = "not_loaded"


def resource_for(viewer, resource_id):
    """catalog.resource_for (404 when hidden), with the table serving the resource read in the same query.

    `resource.serving_table` is the active table, or None while there is none: one query for what used
    to take three (the resource, then its active table for the grade rules and again for the query).
    """
    serving = Resource.objects.annotate(serving_table=FilteredRelation(
        "datastore_tables", condition=Q(datastore_tables__is_active=True))).select_related("serving_table__version")
    resource = catalog.resource_for(viewer, resource_id, serving)
    # select_related sets the attribute only when a row joined (one at most: one_active_table_per_resource).
    resource.serving_table = getattr(resource, "serving_table", None)
    return resource


def resource_with_data(request, resource_id):
    """The resource (with its `serving_table`), once the caller may see it (else 404) and have its data (else 403).

    Access is decided by datasets.grading (through ensure_can_download), with
    the request's credential, so an enterprise API key's grant counts, and the
    versions whose rows would be served (served_versions) held for personal data refuse.
    """
    resource = resource_for(viewer_for(request), resource_id)
    ensure_can_download(request, resource.dataset, served_versions(resource))
    return resource


def served_versions(resource):
    """The current version and the one whose table answers queries (an older one until the new one loads).

    `resource` comes from resource_for (its serving_table read with it).
    """
    table = resource.serving_table
    return [resource.current_version] + ([table.version] if table is not None else [])


def latest_load(resource):
    return DatastoreTable.objects.filter(resource=resource).select_related("version").order_by("-version__number").first()


def active_table(resource):
    """The table serving the resource (one from resource_for), or a 404 naming why there is none."""
    table = resource.serving_table
    if table is not None:
        return table
    if not readers.is_tabular(resource.format):
        raise NotLoaded(_("该资源不是表格数据（CSV、TSV、XLSX、JSON、GeoJSON、Parquet），没有数据接口。"), field="resource")
    latest = latest_load(resource)
    if latest is not None and latest.status == DatastoreTable.Status.FAILED:
        raise NotLoaded(_("该资源加载失败：%(errors)s") % {"errors": " ".join(latest.errors)}, field="resource")
    raise NotLoaded(_("该资源尚未加载完成，请稍后再试。"), field="resource")


def ready_export_file(table, fmt):
    """The table's export file in `fmt` (datastore.export_files), once written, or None."""
    return ExportFile.objects.filter(table=table, format=fmt, status=ExportFile.Status.READY).first()


def fetch(sql, params, column_types, batch=FETCH_ROWS, streamed=True):
    """Rows of a query as presented values, a batch at a time.

    `streamed` (a whole table): through a server-side cursor on PostgreSQL. A page or a set of groups
    (at most DATASTORE_MAX_LIMIT rows) is read at once instead: PostgreSQL plans no parallel scan for a
    cursor, and an aggregate over millions of rows then takes twice as long.
    """
    converters = [(i, convert) for i, convert in enumerate(map(types.presenter, column_types)) if convert]
    # A server-side cursor lives inside a transaction; one statement needs none (no BEGIN and COMMIT round trips).
    with transaction.atomic() if streamed else contextlib.nullcontext():
        with (connection.chunked_cursor() if streamed else connection.cursor()) as cursor:
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
            yield from _copy_chunks(copy.connection.pgconn)


def _copy_chunks(pgconn):
    """The COPY's data messages (one per row) read straight from libpq, joined into chunks.

    psycopg's Copy.read() costs about 5 us of Python per message, more than PostgreSQL takes to
    write the row; libpq hands over each message already received in one call. The copy block
    stays psycopg's (its lock, and its cancel when left early); only the reading is done here.
    """
    pieces, size = [], 0
    while True:
        length, data = pgconn.get_copy_data(1)  # 1: never block; 0 when nothing has arrived yet
        if length > 0:
            pieces.append(data)
            size += length
            if size >= COPY_CHUNK_BYTES:
                yield b"".join(pieces)
                pieces, size = [], 0
        elif length == 0:
            _wait_readable(pgconn)
        elif length == -1:
            break
        else:
            raise DatabaseError(pgconn.get_error_message())
    _finish_copy(pgconn)
    if pieces:
        yield b"".join(pieces)


def _finish_copy(pgconn):
    """Read the COPY's status (an error if it failed midway) up to the end of the statement."""
    errors = []
    while True:
        while pgconn.is_busy():
            _wait_readable(pgconn)
        if (result := pgconn.get_result()) is None:
            break
        if result.status != pq.ExecStatus.COMMAND_OK:
            errors.append(result.get_error_message())
    if errors:
        raise DatabaseError(" ".join(errors))


def _wait_readable(pgconn):
    select.select([pgconn.socket], [], [])
    pgconn.consume_input()
