"""Whole-table exports written once per loaded table, then served instead of a live stream.

Parquet and XLSX are the exports slow to write live (bench/README.md, "Exports against PostgreSQL
itself"). A loaded table never changes: a new version, a merged contribution or a masked version
each load a table of their own. So once a table is loaded, each of FILE_FORMATS is written once, by
datastore.tasks.build_export_file, with the live export's own writer (datastore.export_streams) into
a scratch file, then into the default storage (the local disk, or S3). The export API serves it for
a request of the whole table (RowQuery.is_whole_table: exactly the rows and columns the file holds);
anything else, or a file not ready or unreadable, streams live. The stored file goes with its row,
which goes with its table (retired by datastore.loading, or its resource deleted).
"""
import logging
import os

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from core import jobs
from core.stored_files import delete_stored_files

from . import export_streams, exports, query, selectors
from .models import DatastoreTable, ExportFile

log = logging.getLogger(__name__)

FILE_FORMATS = ("parquet", "xlsx")
READ_BYTES = 256 * 1024


def scratch_key(export_id):
    """What the build's scratch file is named after (core.jobs.scratch_file), for the repair to remove."""
    return f"export-file-{export_id}"


def files_to_build(table_id):
    """Ids of the table's export files still to write, each recorded once; none unless the table is served."""
    table = DatastoreTable.objects.filter(pk=table_id, status=DatastoreTable.Status.READY, is_active=True).first()
    if table is None:
        return []
    for fmt in FILE_FORMATS:
        # The heartbeat from the start: a file whose task was never sent (a broker outage) is stalled, then requeued.
        ExportFile.objects.get_or_create(table=table, format=fmt, defaults={"heartbeat": timezone.now()})
    return list(ExportFile.objects.filter(table=table, status=ExportFile.Status.PENDING).values_list("pk", flat=True))


def build(export_id):
    """Write one export file. Idempotent: a ready or failed file, or one whose table went, is left alone;
    a half-written one (its worker killed, a retry) is written again from the start."""
    export = _start(export_id)
    if export is None:
        return None
    path = jobs.scratch_file(scratch_key(export_id), suffix=f".{exports.FORMATS[export.format][1]}")
    try:
        with jobs.beating(ExportFile.objects.filter(pk=export_id)):
            _write(export, path)
            size = os.path.getsize(path)
            with open(path, "rb") as handle:
                name = default_storage.save(_storage_name(export), File(handle))
    except SoftTimeLimitExceeded:
        _fail(export)
        return export
    finally:
        os.remove(path)
    _finish(export, name, size)
    return export


def _start(export_id):
    export = ExportFile.objects.select_related("table").filter(pk=export_id).first()
    if export is None or export.status in (ExportFile.Status.READY, ExportFile.Status.FAILED):
        return None
    if jobs.attempts_spent(export.attempts):
        give_up(export)
        return None
    ExportFile.objects.filter(pk=export_id).update(status=ExportFile.Status.BUILDING, attempts=F("attempts") + 1)
    export.status = ExportFile.Status.BUILDING
    return export


def _storage_name(export):
    return f"datastore/exports/{export.table.table_name}.{exports.FORMATS[export.format][1]}"


def _write(export, path):
    """The whole table, by the live export's writer, into `path`, a chunk at a time."""
    rows_query = query.RowQuery(export.table, QueryDict(), allowed=query.EXPORT_PARAMETERS, paged=False)
    with open(path, "wb") as target:
        for chunk in export_streams.export_chunks(rows_query, export.format):
            target.write(chunk)


def _finish(export, name, size):
    """Record the stored file; when the row went meanwhile (its table retired) or another run won, the file goes."""
    done = ExportFile.objects.filter(pk=export.pk, status=ExportFile.Status.BUILDING).update(
        status=ExportFile.Status.READY, file=name, size=size, built=timezone.now(), interrupted=False)
    if not done:
        delete_stored_files([name])


def give_up(export):
    """A file whose attempts are spent is not tried again: its exports keep streaming live."""
    log.warning("export file %s of table %s failed %d times; exports stream live", export.format, export.table_id,
                export.attempts)
    _fail(export)


def _fail(export):
    ExportFile.objects.filter(pk=export.pk).update(status=ExportFile.Status.FAILED, interrupted=False)


def served_chunks(table, fmt):
    """The table's export file in `fmt` as byte chunks, or None (no such file, not ready, unreadable): stream live."""
    if fmt not in FILE_FORMATS:
        return None
    export = selectors.ready_export_file(table, fmt)
    if export is None:
        return None
    handle = None
    try:
        handle = default_storage.open(export.file, "rb")
        first = handle.read(READ_BYTES)  # S3File fetches the object here
    except Exception:  # missing, or the store out of reach (OSError, botocore's errors): the live stream answers
        if handle is not None:
            handle.close()
        log.warning("export file %s unreadable; streaming live", export.file, exc_info=True)
        return None
    return _chunks(handle, first)


def _chunks(handle, first):
    with handle:  # closed with the response, read to the end or not
        chunk = first
        while chunk:
            yield chunk
            chunk = handle.read(READ_BYTES)


def remove_deleted_file(sender, instance, **kwargs):
    """post_delete of an ExportFile (with its table, or its resource): the stored file goes once that commits."""
    if instance.file:
        transaction.on_commit(lambda: delete_stored_files([instance.file]))
