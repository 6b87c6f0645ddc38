"""The facet vocabularies (organizations, themes, licences), read on every search, kept in the cache.

They are small tables that change rarely; reading them from the cache saves a query per
vocabulary per search (checking filter values and labelling facets). Any save or delete of
one of them drops the cached copy (signals connected in SearchConfig.ready); the timeout
bounds how long a change made without signals (raw SQL, another process's cache) can linger.
"""
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction

from datasets.models import Licence, Organization, Theme, localized

CACHE_KEY = "search:vocabulary:v2"
TIMEOUT = 300
# {facet: (model, value field, label property)}.
VOCABULARIES = {
    "organization": (Organization, "slug", "name"),
    "theme": (Theme, "code", "name"),
    "licence": (Licence, "code", "title"),
}


def _load():
    # Plain tuples: unpickling model instances from the cache on every search cost more than the query.
    return {
        facet: {row[0]: row[1:] for row in model.objects.order_by().values_list(key, f"{label}_zh", f"{label}_en")}
        for facet, (model, key, label) in VOCABULARIES.items()
    }


def _vocabulary(facet):
    data = cache.get(CACHE_KEY)
    if data is None:
        data = _load()
        cache.set(CACHE_KEY, data, TIMEOUT)
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
    """Signal receiver: drop the cached vocabularies now and again once the change is committed."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def connect():
    from django.db.models.signals import post_delete, post_save

    for model, _key, _label in VOCABULARIES.values():
        post_save.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.delete")
