"""Queueing a harvest job: the one way from the services (and the repair) to the Celery task."""
import logging

from django.db import transaction

from .tasks import run_harvest_job

log = logging.getLogger(__name__)


def enqueue_run(job_id):
    """Queue the job now (the repair: the job is already committed)."""
    run_harvest_job.delay(job_id)


def enqueue_run_on_commit(sender, *, job_id, **kwargs):
    """run_requested receiver: queue the job once the requesting transaction commits, so the task finds it.

    A broker outage must not fail the request that committed the job: it stays queued, and the repair
    (harvest.repair) queues it again once HARVEST_STUCK_MINUTES have passed."""
    transaction.on_commit(lambda: _enqueue_or_log(job_id))


def _enqueue_or_log(job_id):
    try:
        enqueue_run(job_id)
    except Exception:  # kombu's OperationalError or any transport error: the broker is out of reach
        log.exception("could not queue harvest job %s; the repair will", job_id)
