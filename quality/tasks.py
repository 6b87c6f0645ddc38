"""Celery tasks of the quality app: thin, idempotent wrappers around quality.services."""
from celery import shared_task

# --- metadata scores and link checks (quality.services.scores, quality.services.links) ---
from .services import links, scores


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8,
             ignore_result=True)
def refresh_metadata_scores(self, dataset_ids):
    """Recompute the metadata scores of these datasets (a dataset_changed announcement's)."""
    scores.refresh_scores(dataset_ids)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3, ignore_result=True)
def check_links(self):
    """Periodic: check a bounded batch of the link resources whose last check is older than LINK_CHECK_INTERVAL."""
    return links.check_links()
