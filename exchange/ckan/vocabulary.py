"""Organizations, licences and themes kept in memory per process for package dicts (search.process_copies).

A page of 20 or 1,000 packages then costs no join, and no model instance per dataset, for what every one of
them repeats. Saving or deleting one of these rows drops the copy (receivers connected in ExchangeConfig.ready);
a row the copy does not hold yet (created in another process less than a second ago) is read directly.
"""
from collections import defaultdict
from dataclasses import dataclass

from datasets.models import Dataset, Licence, Theme
from organizations.models import Organization
from search.process_copies import ProcessCopy

MODELS = (Organization, Licence, Theme)


@dataclass(frozen=True)
class Vocabulary:
    organizations: dict
    licences: dict
    themes: dict


def _with_parents(themes):
    for theme in themes.values():
        if theme.parent_id in themes:
            theme.parent = themes[theme.parent_id]
    return themes


def _load():
    return Vocabulary(organizations=Organization.objects.in_bulk(), licences=Licence.objects.in_bulk(),
                      themes=_with_parents(Theme.objects.in_bulk()))


COPY = ProcessCopy("exchange:ckan:vocabulary", _load)


def forget(**_signal):
    COPY.forget()


def _lookup(known, wanted, queryset):
    missing = {pk for pk in wanted if pk is not None and pk not in known}
    return {**known, **queryset.in_bulk(missing)} if missing else known


def attach(datasets):
    """Give each dataset its `organization`, `licence` and `ckan_themes` (themes with their parents)."""
    vocabulary = COPY.get()
    links = defaultdict(list)
    through = Dataset.themes.through.objects.filter(dataset_id__in=[dataset.pk for dataset in datasets])
    for dataset_id, theme_id in through.order_by("id").values_list("dataset_id", "theme_id"):
        links[dataset_id].append(theme_id)
    organizations = _lookup(vocabulary.organizations, {d.organization_id for d in datasets}, Organization.objects)
    licences = _lookup(vocabulary.licences, {d.licence_id for d in datasets}, Licence.objects)
    themes = _lookup(vocabulary.themes, {pk for ids in links.values() for pk in ids},
                     Theme.objects.select_related("parent"))
    for dataset in datasets:
        dataset.organization = organizations[dataset.organization_id]
        dataset.licence = licences.get(dataset.licence_id)
        dataset.ckan_themes = [themes[pk] for pk in links[dataset.pk]]
    return datasets
