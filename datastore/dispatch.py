"""Queueing loads and export files: the one way from the signals and the repairs to the Celery tasks.

The tasks run datastore.loading and datastore.export_files; neither reaches the tasks (loading
announces signals.table_loaded, followed here), so no module imports the other way.
"""
import logging

from core import jobs
from datasets.models import ResourceVersion

from . import export_files, loading, readers
from .tasks import build_export_file, load_resource_version

log = logging.getLogger(__name__)


def enqueue_load(version_id):
    load_resource_version.delay(version_id)


def queue_load(sender, resource_id, version_id, **kwargs):
    """resource_version_created receiver (after commit): record a pending table and queue its load.

    A broker outage must not lose the load, so it then runs in-process.
    """
    version = ResourceVersion.objects.filter(pk=version_id).first()
    if version is None or not readers.is_tabular(version.format):
        return
    loading.record_for(version)
    try:
        enqueue_load(version_id)
    except Exception:
        log.exception("could not queue the datastore load of version %s; loading now", version_id)
        load_resource_version.run(version_id)


def enqueue_export_file(export_id):
    build_export_file.delay(export_id)


def queue_export_files(sender, table_id, **kwargs):
    """table_loaded receiver: record the table's export files pending and queue each once this transaction commits.

    A broker outage loses no file: the repair (datastore.repair) queues a pending one whose heartbeat went stale.
    """
    for export_id in export_files.files_to_build(table_id):
        jobs.send_after_commit(lambda export_id=export_id: enqueue_export_file(export_id), f"export file {export_id}")
