"""Celery tasks of the quality app: thin wrappers around quality.services."""
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .services import digests, links, reports, scores


# Bounded: time limits, and attempts counted on the report's row (reports.start), retries included.
@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError, OSError), retry_backoff=True,
             max_retries=settings.JOB_MAX_ATTEMPTS, ignore_result=True,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def make_quality_report(version_id):
    # Idempotent: a finished report is kept, a running one (redelivered) is checked again.
    reports.make_report(version_id)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8,
             ignore_result=True)
def refresh_metadata_scores(self, dataset_ids):
    """Recompute the metadata scores of these datasets (a dataset_changed announcement's)."""
    scores.refresh_scores(dataset_ids)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3, ignore_result=True)
def check_links(self):
    """Periodic: check a bounded batch of the link resources whose last check is older than LINK_CHECK_INTERVAL."""
    return links.check_links()


# A retry after some organizations were mailed sends only the others (services.digests is idempotent per day).
@shared_task(ignore_result=True, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def send_timeliness_digests():
    """Beat, daily (TIMELINESS_DIGEST_HOUR): each organization's overdue and due-soon digest, once a day."""
    return digests.send_timeliness_digests()
