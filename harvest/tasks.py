"""Harvest tasks: thin wrappers around harvest.schedules and harvest.services."""
from celery import shared_task

from . import schedules


@shared_task(ignore_result=True)
def start_due_harvests():
    """Run by beat every minute (CELERY_BEAT_SCHEDULE)."""
    return schedules.start_due_runs()
