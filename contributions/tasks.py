"""Validation as a Celery task: acknowledged late, redelivered when a worker dies, idempotent."""
from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def validate_contribution(contribution_id):
    # Safe to run twice: a second run of a finished contribution does nothing (services.start_validation).
    services.validate(contribution_id)


@shared_task(ignore_result=True)
def requeue_stuck_validations():
    """Belt and braces for the broker's redelivery: contributions stuck in validating are queued again."""
    return services.requeue_stuck()
