"""Celery tasks of the datastore: thin wrappers around datastore.loading, datastore.export_files and datastore.indexing."""
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import export_files, indexing, loading


# Bounded: time limits, and attempts counted on the load's row (loading.load_version), retries included.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError, OSError), retry_backoff=True,
             max_retries=settings.JOB_MAX_ATTEMPTS, ignore_result=True,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def load_resource_version(self, version_id):
    # Idempotent: a ready table is kept, a half-done one is dropped and redone.
    loading.load_version(version_id)


# Bounded like a load: attempts counted on the file's row (export_files.build), retries included.
@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError, InterfaceError, OSError),
             retry_backoff=True, max_retries=settings.JOB_MAX_ATTEMPTS, ignore_result=True,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def build_export_file(export_id):
    # Idempotent: a ready file is kept, a half-written one is written again.
    export_files.build(export_id)


@shared_task(acks_late=True, ignore_result=True,
             soft_time_limit=settings.JOB_SOFT_TIME_LIMIT, time_limit=settings.JOB_TIME_LIMIT)
def index_popular_columns():
    # Idempotent: an index already there is left alone.
    indexing.index_serving_tables()
