"""Follow the catalog: every dataset change queues a re-index of that dataset, and a change that
withdraws it from view is subtracted from search answers at once (search.withdrawals)."""
import logging

from . import withdrawals

log = logging.getLogger(__name__)


# Datasets per indexing task: one task re-reads them in a fixed number of queries.
TASK_BATCH = 500


def queue_index(sender, dataset_ids, **kwargs):
    """dataset_changed receiver (runs after commit). A broker outage must not fail the
    change that was just committed, so the datasets are then indexed in-process instead."""
    from .tasks import index_datasets

    for start in range(0, len(dataset_ids), TASK_BATCH):
        batch = list(dataset_ids[start:start + TASK_BATCH])
        withdrawals.record(batch)  # before queueing: the re-index confirms only notes taken before it
        try:
            index_datasets.delay(batch)
        except Exception:
            log.exception("could not queue search indexing of datasets %s; indexing now", batch)
            try:
                index_datasets.run(batch)
            except Exception:
                log.exception("search indexing of datasets %s failed; reconcile_search_index will repair it", batch)
