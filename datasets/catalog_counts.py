"""Catalog counts (the lists' totals and facet counts) kept in the cache until the catalog changes.

Counting 100,000 datasets for every page of the catalog cost more than everything else the list does
(bench/catalog_bench.py). A count is cached under the SQL that selects what it counts, with the catalog's
version: a token renewed whenever a write announces a dataset change and again when that change commits
(datasets.services.announcements). The SQL holds everything the answer depends on: the viewer's grade
terms (their departments' ids; nothing for staff), the filters and the text, so an entry is never the
answer for another viewer's question, and a restricted dataset is counted only where its department
would see it. Renewing at the announcement makes the writing transaction itself count afresh; renewing
after the commit drops what a concurrent request counted from the data before it. Right after a publish,
archive or regrade every count is recounted.

Only for questions whose answer changes with the datasets alone (their grade, state, themes, resources,
scores): the public catalog's lists. A list that also reads memberships (a publisher's own datasets) is
counted as it is asked. With Redis down each process caches in its own memory (core.caches): there
another process's change is seen after TTL_SECONDS at worst, as is a change to the theme vocabulary.
"""
import hashlib
import json
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from core.pagination import PortalPagination

VERSION_KEY = "catalog-counts:version"
TTL_SECONDS = 300


def catalog_changed():
    """Every cached count is stale from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _param(value):
    # psycopg's Jsonb shortens its repr: the wrapped value itself goes into the key.
    return getattr(value, "obj", repr(value))


def which_datasets(queryset):
    """The datasets a queryset selects, as the SQL that counts them needs: the select list, the order and
    related rows change no count."""
    return queryset.order_by().prefetch_related(None).values("pk")


def cached(queryset, name, compute):
    """compute() (a count of `queryset` named `name`), cached until the catalog changes.

    An entry is (the version it was counted at, the count), read with the current version in one
    round trip: an entry of another version is stale.
    """
    try:
        sql, params = which_datasets(queryset).query.sql_with_params()
    except EmptyResultSet:  # nothing can match: nothing to count or to cache
        return compute()
    question = json.dumps([name, queryset.db, sql, params], default=_param, ensure_ascii=False)
    key = f"catalog-counts:{hashlib.sha256(question.encode()).hexdigest()}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    counted = compute()
    cache.set(key, (version, counted), TTL_SECONDS)
    return counted


class CatalogPaginator(Paginator):
    """A paginator whose total is cached (`cached`)."""

    @cached_property
    def count(self):
        return cached(self.object_list, "count", which_datasets(self.object_list).count)


class CatalogPagination(PortalPagination):
    django_paginator_class = CatalogPaginator
