"""Celery tasks keeping the search indexes in step with the catalog; all idempotent."""
import logging

from celery import shared_task

from .backends import get_search_backend

log = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8,
             ignore_result=True)
def index_datasets(self, dataset_ids):
    """Re-read these datasets and index them, removing those no longer searchable."""
    get_search_backend().index_datasets(dataset_ids)


@shared_task(ignore_result=True)
def replay_pending_updates():
    """Periodic: send updates recorded while Elasticsearch was unreachable (no-op otherwise)."""
    backend = get_search_backend()
    if not hasattr(backend, "replay_pending"):
        return []
    try:
        return backend.replay_pending()
    except Exception as error:  # still down: the rows stay for the next run
        log.warning("search replay postponed: %s", error)
        return []


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3, ignore_result=True)
def reconcile_search_index(self):
    """Periodic: compare database and index, repair differences."""
    return get_search_backend().reconcile()
