"""Periodic work of the access app (scheduled in CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_access():
    # Idempotent: each row is marked once, under a row lock, so overlapping runs do no harm.
    return services.expire()
