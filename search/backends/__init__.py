"""Choose the search backend: settings.SEARCH_BACKEND is "database" or "elasticsearch".

Typical use by a view (see base.py for every field):

    try:
        query = SearchQuery.from_params(request.GET, viewer=viewer_for(request))   # datasets.grading
    except QueryError as error:          # -> 400 naming error.field
        ...
    results = get_search_backend().search(query)
    results.total, results.hits, results.facets, results.degraded
    summaries = summaries_for_hits(query.viewer, results.hits)   # search.summaries

Backends are cached per configuration so each request reuses one Elasticsearch
client, while tests that override the settings get a backend of their own.
"""
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (  # noqa: F401  (the interface)
    Hit,
    QueryError,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Suggestion,
)


@lru_cache(maxsize=8)
def _backend(name, url, prefix):
    if name == "database":
        from .database import DatabaseBackend

        return DatabaseBackend()
    if name == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=url, prefix=prefix)
    raise ImproperlyConfigured(f"Unknown SEARCH_BACKEND {name!r}: use 'database' or 'elasticsearch'.")


def get_search_backend(name=None):
    return _backend(name or settings.SEARCH_BACKEND, settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX)
