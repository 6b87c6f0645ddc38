"""Periodic work of the evaluation (scheduled in CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3, ignore_result=True)
def refresh_evaluation(self):
    """Daily: the current month's snapshot from today's data. Idempotent: a rerun replaces the same rows,
    and an ended month is never touched (services.take_snapshot)."""
    services.refresh_current_month()
