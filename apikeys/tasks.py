"""Celery tasks of the API key app (scheduled in CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import metering


@shared_task
def flush_usage():
    """Sum the usage records buffered in Redis into UsageDaily (every minute)."""
    return metering.flush_usage()
