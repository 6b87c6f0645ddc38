"""Celery tasks of the catalog: thin, idempotent wrappers around services."""
from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, ignore_result=True)
def count_download(self, resource_id):
    services.count_download(resource_id)
