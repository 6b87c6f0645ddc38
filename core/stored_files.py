"""Files on the default storage that belong to database rows: stored in a transaction, removed with it.

A row that names a file commits with it or not at all: the transaction removes
the files stored inside it if it does not commit, so no orphan file is left.
A disk that fills up while a file is written leaves no partial file either
(FileSystemStorage below): the upload is refused with InsufficientStorage (507).
"""
import logging
import os
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.storage import default_storage
from django.db import transaction

from .exceptions import InsufficientStorage
from .outages import STORAGE, is_disk_full, log_line

logger = logging.getLogger(__name__)


class FileSystemStorage(DjangoFileSystemStorage):
    """Django's local storage (the default backend in settings.STORAGES), refusing cleanly when the disk is full.

    Django leaves the bytes written so far when a write fails (ENOSPC, EFBIG, EDQUOT): the
    file is removed here, and the caller gets a DomainError its page or API call answers.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.exists(full_path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if not is_disk_full(error):
                raise
            logger.warning("%s storing %s", log_line(STORAGE, error), name)
            if not existed and os.path.exists(full_path):
                os.remove(full_path)  # what Django wrote of it before the disk filled
            raise InsufficientStorage(str(STORAGE.message), field="file") from error


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
