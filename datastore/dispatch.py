"""Queueing loads: the one way from the catalog's signal and the repair to the Celery task.

The task runs datastore.loading; loading never reaches the task, so neither imports the other.
"""
import logging

from datasets.models import ResourceVersion

from . import loading, readers
from .tasks import load_resource_version

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
