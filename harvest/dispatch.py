"""Queueing a harvest job: the one way from the services (and the repair) to the Celery task."""
from core.jobs import send_after_commit

from .tasks import run_harvest_job


def enqueue_run(job_id):
    """Queue the job now (the repair: the job is already committed)."""
    run_harvest_job.delay(job_id)


def enqueue_run_on_commit(sender, *, job_id, **kwargs):
    """run_requested receiver: queue the job once the requesting transaction commits, so the task finds it.

    A broker outage must not fail the request that committed the job: it stays queued, and the repair
    (harvest.repair) queues it again once HARVEST_STUCK_MINUTES have passed."""
    send_after_commit(lambda: enqueue_run(job_id), f"harvest job {job_id}")
