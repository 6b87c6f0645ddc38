"""Validation as a Celery task: acknowledged late, bounded in time and attempts, idempotent."""
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import services


# Attempts are counted on the contribution (services.start_validation), retries included.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=settings.JOB_MAX_ATTEMPTS,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def validate_contribution(contribution_id):
    # Safe to run twice: a second run of a finished contribution does nothing (services.start_validation).
    services.validate(contribution_id)
