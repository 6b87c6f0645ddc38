"""Queueing a harvest job: the one way from the services (and the repair) to the Celery task."""
from django.db import transaction

from .tasks import run_harvest_job


def enqueue_run(job_id):
    """Queue the job now (the repair: the job is already committed)."""
    run_harvest_job.delay(job_id)


def enqueue_run_on_commit(sender, *, job_id, **kwargs):
    """run_requested receiver: queue the job once the requesting transaction commits, so the task finds it."""
    transaction.on_commit(lambda: enqueue_run(job_id))
