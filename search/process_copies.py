"""Small tables read on every search, kept in memory per process (facet vocabularies, synonyms).

Each process keeps a copy, tagged with the version found in the shared cache when it was loaded,
and reloads when that version changes; it looks at the version at most once a second, so a search
usually costs neither a query nor a cache read. A change drops the version and this process's copy
(`forget`), now and again once committed, so this process sees it at once and the others within a
second (a transaction that rolls its change back leaves nothing behind); the version's timeout bounds how long a change made behind the code's back can linger.
"""
import time
import uuid

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 300
VERSION_CHECK_SECONDS = 1.0


def _new_uuid():
    return uuid.uuid4().hex


class ProcessCopy:
    def __init__(self, key, load, new_version=_new_uuid):
        """`load()` reads the data; `new_version()` names the version when the cache has none."""
        self.key, self.load, self.new_version = key, load, new_version
        # (version, data, monotonic time of the last version check), replaced whole so threads never see half of it.
        self._loaded = (None, None, 0.0)
        # A change not yet committed: while its transaction lasts, reads load afresh and keep nothing,
        # so a rolled-back change never stays in the copy.
        self._pending = False

    def _current_version(self):
        version = cache.get(self.key)
        if version is None:
            # Several processes may get here at once: the first one's version wins.
            cache.add(self.key, self.new_version(), TIMEOUT)
            version = cache.get(self.key)
        return version

    def get(self):
        if self._pending:
            if transaction.get_connection().in_atomic_block:
                return self.load()
            self._pending = False  # its transaction ended (a commit has already dropped the copy)
            self._drop()
        version, data, checked = self._loaded
        now = time.monotonic()
        if data is None or now - checked >= VERSION_CHECK_SECONDS:
            current = self._current_version()
            if data is None or current is None or current != version:
                data = self.load()
            self._loaded = (current, data, now)
        return data

    def forget(self):
        """Drop this copy and the version now, and again once the change is committed, so every
        process reloads (a reload between the two could still have read the old rows)."""
        self._drop()
        if transaction.get_connection().in_atomic_block:
            self._pending = True
        transaction.on_commit(self._committed)

    def _committed(self):
        self._pending = False
        self._drop()

    def _drop(self):
        self._loaded = (None, None, 0.0)
        cache.delete(self.key)
