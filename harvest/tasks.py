"""Harvest tasks: thin wrappers around harvest.services."""
from celery import shared_task

from .services import scheduling


@shared_task(ignore_result=True)
def start_due_harvests():
    """Run by beat every minute (CELERY_BEAT_SCHEDULE)."""
    return scheduling.start_due_runs()
