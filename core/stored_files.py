"""Files on the default storage that belong to database rows: stored in a transaction, removed with it.

A row that names a file commits with it or not at all: the transaction removes
the files stored inside it if it does not commit, so no orphan file is left.
"""
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import transaction


def delete_stored_files(names):
    for name in names:
        if name:
            default_storage.delete(name)


@contextmanager
def atomic_with_files():
    """A transaction yielding the list of names of the files stored inside it, removed if it fails."""
    stored = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        delete_stored_files(stored)
        raise
