"""Celery tasks of the catalog: thin, idempotent wrappers around services."""
from celery import shared_task
from django.db import transaction

from .services import download_counts


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, ignore_result=True)
def count_download(self, resource_id):
    # All or nothing, so a retry after a failure never counts the resource twice.
    with transaction.atomic():
        download_counts.count_download(resource_id)
