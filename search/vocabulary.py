"""The facet vocabularies (organizations, themes, licences), read on every search, kept in memory
(search.process_copies). Any save or delete of one of them drops this copy (signals connected in
SearchConfig.ready).
"""
from types import SimpleNamespace

from core.localization import localized
from datasets.models import Licence, Theme
from organizations.models import Organization

from .process_copies import ProcessCopy

VERSION_KEY = "search:vocabulary:version"
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


# {facet: {value: (label_zh, label_en)}}
_copy = ProcessCopy(VERSION_KEY, _load)


def _vocabulary(facet):
    return _copy.get()[facet]


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
    """Signal receiver: a vocabulary row changed."""
    _copy.forget()


def connect():
    from django.db.models.signals import post_delete, post_save

    for model, _key, _label in VOCABULARIES.values():
        post_save.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"search.vocabulary.{model.__name__}.delete")
