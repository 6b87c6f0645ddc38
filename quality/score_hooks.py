"""Following the catalog: every dataset_changed announcement queues one recompute of its scores."""
import logging

from datasets.signals import dataset_changed

from .services.scores import refresh_scores
from .tasks import refresh_metadata_scores

log = logging.getLogger(__name__)


def queue_refresh(sender, dataset_ids, **kwargs):
    """dataset_changed receiver (after commit): one recompute per announcement, in a worker. A broker
    outage must not fail the change that was just committed: the scores are then computed here."""
    if not dataset_ids:
        return
    try:
        refresh_metadata_scores.delay(list(dataset_ids))
    except Exception:
        log.exception("could not queue the metadata scores of %d datasets; computing them now", len(dataset_ids))
        try:
            refresh_scores(dataset_ids)
        except Exception:
            log.exception("metadata scores of %d datasets failed; manage.py refresh_metadata_scores repairs them",
                          len(dataset_ids))


def connect():
    dataset_changed.connect(queue_refresh, dispatch_uid="quality.score_hooks.queue_refresh")
