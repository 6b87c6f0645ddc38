"""Validation as a Celery task: acknowledged late, bounded in time and attempts, idempotent."""
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .services import validation_job


# Attempts are counted on the contribution (validation_job.start_validation), retries included.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=settings.JOB_MAX_ATTEMPTS,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def validate_contribution(contribution_id):
    # Safe to run twice: a second run of a finished contribution does nothing (validation_job.start_validation).
    validation_job.validate(contribution_id)
