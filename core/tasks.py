"""Celery tasks of the portal kernel: thin wrappers."""
from celery import shared_task

from . import jobs


@shared_task(ignore_result=True)
def repair_stalled_jobs():
    """Beat, every minute: requeue or fail the jobs whose worker stopped (core.jobs)."""
    return jobs.repair_stalled_jobs()
