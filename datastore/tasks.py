"""Celery tasks of the datastore: thin wrappers around datastore.loading."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import loading


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError, OSError),
             retry_backoff=True, max_retries=5, ignore_result=True)
def load_resource_version(self, version_id):
    # Idempotent: a ready table is kept, a half-done one is dropped and redone.
    loading.load_version(version_id)
