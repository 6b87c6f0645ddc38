"""Queueing quality reports: the one way from the catalog's signal and the repair to the Celery task.

The task runs quality.services.reports; the services never reach the task, so neither imports the other.
"""
import logging

from datasets.models import ResourceVersion

from .services import reports
from .tasks import make_quality_report

log = logging.getLogger(__name__)


def enqueue_report(version_id):
    make_quality_report.delay(version_id)


def queue_report(sender, resource_id, version_id, **kwargs):
    """resource_version_created receiver (after commit): record a pending report and queue its check.

    Whoever added the version (a publisher's page or API call, a merged contribution, an import, the
    platform's masking) gets one. A broker outage must not lose it, so it then runs in-process.
    """
    version = ResourceVersion.objects.select_related("resource").filter(pk=version_id).first()
    if version is None or not reports.is_checked(version):
        return
    reports.record_for(version)
    try:
        enqueue_report(version_id)
    except Exception:
        log.exception("could not queue the quality report of version %s; checking now", version_id)
        make_quality_report.run(version_id)
