"""Follow the catalog: every dataset change queues a re-index of that dataset."""
import logging

log = logging.getLogger(__name__)


def queue_index(sender, dataset_id, **kwargs):
    """dataset_changed receiver (runs after commit). A broker outage must not fail the
    change that was just committed, so the dataset is then indexed in-process instead."""
    from .tasks import index_dataset

    try:
        index_dataset.delay(dataset_id)
    except Exception:
        log.exception("could not queue search indexing of dataset %s; indexing now", dataset_id)
        try:
            index_dataset.run(dataset_id)
        except Exception:
            log.exception("search indexing of dataset %s failed; reconcile_search_index will repair it", dataset_id)
