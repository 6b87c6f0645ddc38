"""The facet vocabularies (organizations, themes, licences), read on every search, kept in memory.

They are small tables that change rarely. Each process keeps a copy, tagged with the version
found in the shared cache when it was loaded, and reloads when that version changes; it looks
at the version at most once a second, so a search usually costs neither a query nor a cache
read. Any save or delete of one of them drops the version (signals connected in
SearchConfig.ready) and this process's copy, so this process sees the change at once and the
others within a second; the version's timeout bounds how long a change made without signals
(raw SQL) can linger.
"""
import time
import uuid
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction

from core.localization import localized
from datasets.models import Licence, Theme
from organizations.models import Organization

VERSION_KEY = "search:vocabulary:version"
TIMEOUT = 300
VERSION_CHECK_SECONDS = 1.0
# {facet: (model, value field, label property)}.
VOCABULARIES = {
    "organization": (Organization, "slug", "name"),
    "theme": (Theme, "code", "name"),
    "licence": (Licence, "code", "title"),
}


def _load():
    return {
        facet: {row[0]: row[1:] for row in model.objects.order_by().values_list(key, f"{label}_zh", f"{label}_en")}
        for facet, (model, key, label) in VOCABULARIES.items()
    }


# (version, {facet: {value: (label_zh, label_en)}}, monotonic time of the last version check),
# replaced whole so threads never see half of it.
_loaded = (None, None, 0.0)


def _current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # Several processes may get here at once: the first one's version wins.
        cache.add(VERSION_KEY, uuid.uuid4().hex, TIMEOUT)
        version = cache.get(VERSION_KEY)
    return version


def _vocabulary(facet):
    global _loaded
    version, data, checked = _loaded
    now = time.monotonic()
    if data is None or now - checked >= VERSION_CHECK_SECONDS:
        current = _current_version()
        if data is None or current is None or current != version:
            data = _load()
        _loaded = (current, data, now)
    return data[facet]


def known_values(facet, values):
    """The values of a vocabulary facet that exist."""
    return set(values) & set(_vocabulary(facet))


def labels(facet, values):
    """{value: label in the active language} for a vocabulary facet; unknown values label themselves."""
    known, label = _vocabulary(facet), VOCABULARIES[facet][2]
    names = {}
    for value in values:
        if value in known:
            chinese, english = known[value]
            # The models' own rule for choosing the language.
            value_label = localized(SimpleNamespace(**{f"{label}_zh": chinese, f"{label}_en": english}), label)
        else:
            value_label = value
        names[value] = value_label
    return names


def forget(**kwargs):
    """Signal receiver: drop this process's copy and the version now, and again once the change is
    committed, so every process reloads (a reload between the two could still have read the old rows)."""
    _drop()
    transaction.on_commit(_drop)


def _drop():
    global _loaded
    _loaded = (None, None, 0.0)
    cache.delete(VERSION_KEY)


def connect():
    from django.db.models.signals import post_delete, post_save

    for model, _key, _label in VOCABULARIES.values():
        post_save.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.delete")
