"""Change announcement: the datasets a transaction changed go out in one dataset_changed after it commits.

Write services announce every dataset they change. Within a transaction the ids
are gathered until the outermost atomic block commits, so a merged contribution
(create, upload, publish), a catalog import's batch or an organization rename
is announced once and its listeners (the search index) act once per dataset.
Outside a transaction the write has already committed and is announced at once.
The catalog's cached counts are renewed at each announcement and again after the commit (catalog_counts).
"""
import threading

from django.db import transaction

from .. import signals
from ..catalog_counts import catalog_changed
from ..models import Dataset

_current = threading.local()


class _Announcement:
    """The dataset ids changed in one transaction, sent by the on-commit callback it registered."""

    def __init__(self, transaction_key, queue):
        self.transaction_key = transaction_key
        self.queue = queue  # the connection's on-commit list it was appended to
        self.dataset_ids = set()
        self.sent = False

    def send(self):
        self.sent = True
        catalog_changed()
        signals.dataset_changed.send(sender=Dataset, dataset_ids=sorted(self.dataset_ids))


def announce_dataset_changed(dataset_id):
    """Tell listeners that this dataset changed, once the transaction has committed."""
    catalog_changed()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        signals.dataset_changed.send(sender=Dataset, dataset_ids=[dataset_id])
        return
    key = _transaction_key(connection)
    announcement = getattr(_current, "announcement", None)
    if announcement is None or not _awaits_commit(announcement, key, connection):
        announcement = _current.announcement = _Announcement(key, connection.run_on_commit)
        transaction.on_commit(announcement.send)
    announcement.dataset_ids.add(dataset_id)


def _transaction_key(connection):
    """The savepoint of the outermost atomic block, None if that block began the transaction.

    A test case's own blocks do not count, as for Django's durable=True: there
    every block a test step opens stands for a transaction of its own.
    """
    blocks, savepoints = connection.atomic_blocks, connection.savepoint_ids
    offset = len(blocks) - len(savepoints)  # the block that began the transaction has no savepoint
    for depth, block in enumerate(blocks):
        if not getattr(block, "_from_testcase", False):
            return savepoints[depth - offset] if depth >= offset else None
    return None


def _awaits_commit(announcement, key, connection):
    """Whether it belongs to this transaction and its callback is still queued.

    Django keeps the queue in connection.run_on_commit and replaces that list
    when a commit, a rollback or a savepoint's rollback drops callbacks; only
    then is the new list searched (a catalog import announces thousands).
    """
    if announcement.sent or announcement.transaction_key != key:
        return False
    if connection.run_on_commit is not announcement.queue:
        if not any(getattr(callback, "__self__", None) is announcement for _, callback, _ in connection.run_on_commit):
            return False
        announcement.queue = connection.run_on_commit
    return True
