"""Harvest tasks: thin wrappers around harvest.services, acknowledged late, bounded, idempotent, resumable."""
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .services import jobs, scheduling


# Attempts are counted on the job (services.jobs.start_job); a redelivery resumes after the committed batches.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=settings.JOB_MAX_ATTEMPTS,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def run_harvest_job(job_id):
    jobs.run_job(job_id)


@shared_task(ignore_result=True)
def start_due_harvests():
    """Run by beat every minute (CELERY_BEAT_SCHEDULE)."""
    return scheduling.start_due_runs()
