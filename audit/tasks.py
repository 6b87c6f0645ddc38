"""Periodic work of the audit log (scheduled in CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def flush_audit_repeats():
    """Write the counted repeats of finished minutes into the audit log (every minute)."""
    return services.flush_repeats()
