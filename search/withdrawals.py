"""Datasets withdrawn from view that the index has not caught up with, subtracted from every search answer.

A re-index runs in a worker; while it lags (a worker outage, a queue backlog) the
index still holds a dataset as it was. When a change makes a dataset less visible
than its indexed copy says (another grade, another state, another organization,
or deleted), `record` notes it in the request that made the change, before the
re-index is queued. Both backends leave the noted datasets out of hits, totals,
facet counts, suggestions and related datasets, for every viewer, until a re-index
that read the dataset after the note (`mark`, then `confirm`) has reached the
engine. It holds only the few datasets changed since the index last caught up.
"""
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from datasets.grading import VISIBILITY_FIELDS
from datasets.models import Dataset

from .models import PendingIndexUpdate, SearchEntry, WithdrawnDataset


def record(dataset_ids):
    """Note the changed datasets the index copy (the database backend's entry, which every backend
    writes first) shows under other grade fields than the catalog, or that no longer exist."""
    ids = set(dataset_ids)
    current = {row[0]: row[1:] for row in Dataset.objects.filter(pk__in=ids).values_list("pk", *VISIBILITY_FIELDS)}
    indexed = {row[0]: row[1:] for row in
               SearchEntry.objects.filter(pk__in=ids).values_list("pk", *VISIBILITY_FIELDS)}
    withdrawn = sorted(pk for pk in ids if pk not in current or indexed.get(pk, current[pk]) != current[pk])
    if withdrawn:
        with transaction.atomic():
            # A fresh id each time, so a re-index that began before this note does not confirm it.
            WithdrawnDataset.objects.filter(dataset_id__in=withdrawn).delete()
            WithdrawnDataset.objects.bulk_create([WithdrawnDataset(dataset_id=pk) for pk in withdrawn])
    return withdrawn


def mark():
    """Taken before a re-index reads the catalog: the notes it may confirm are those up to here."""
    return WithdrawnDataset.objects.aggregate(last=Max("pk"))["last"] or 0


def confirm(engine, upto, dataset_ids=None):
    """`engine` (a backend's name) now holds these datasets (all, when None) as the catalog had them
    after note `upto`. Only the configured engine confirms (the database backend is also Elasticsearch's
    fallback copy), and datasets still waiting for Elasticsearch (PendingIndexUpdate) stay withdrawn."""
    if engine != settings.SEARCH_BACKEND:
        return
    notes = WithdrawnDataset.objects.filter(pk__lte=upto)
    if dataset_ids is not None:
        notes = notes.filter(dataset_id__in=list(dataset_ids))
    notes.exclude(dataset_id__in=PendingIndexUpdate.objects.values("dataset_id")).delete()


def withdrawn_subquery():
    """The withdrawn dataset ids, for a database filter."""
    return WithdrawnDataset.objects.values("dataset_id")


def withdrawn_ids():
    """The withdrawn dataset ids, for an engine's query."""
    return sorted(WithdrawnDataset.objects.values_list("dataset_id", flat=True))
