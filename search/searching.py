"""Running a search for a viewer: what the search API and the search page share.

The backend (search.backends) decides what matches and counts; this module
checks the filter values against the vocabularies, turns the hits into result
summaries (search.summaries: read from the index, the grade rules applied a
second time), shapes the facets for display, and records the query in the
anonymous statistics.
"""
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext as _

from datasets.models import OpenGrade, UpdateFrequency
from organizations.selectors import listed_organizations
from searchstats.services import record_query

from . import vocabulary
from .backends import QueryError, SearchQuery, get_search_backend
from .backends.base import FACET_FILTERS, FACETS, facet_labels
from .summaries import summaries_for_hits

SUGGEST_MAX_CHARS = 100
SUGGEST_LIMIT = 5
RELATED_LIMIT = 5

# Facets whose values come from a vocabulary: {facet: values -> the known ones among them}.
KNOWN_VALUES = {
    **{facet: partial(vocabulary.known_values, facet) for facet in vocabulary.VOCABULARIES},
    "open_grade": lambda values: set(values) & set(OpenGrade.values),
    "update_frequency": lambda values: set(values) & set(UpdateFrequency.values),
}


@dataclass
class SearchOutcome:
    query: SearchQuery
    total: int
    degraded: bool
    # This page's DatasetSummary objects in hit order.
    results: list
    # {facet: [{"value", "label", "count", "selected"}]} for every facet in FACETS.
    facets: dict
    # The query with unknown words corrected, when the results include typo corrections.
    did_you_mean: str = ""

    @property
    def page(self):
        return self.query.page

    @property
    def page_size(self):
        return self.query.page_size


def check_vocabularies(query):
    """Raise QueryError naming the first facet holding a value its vocabulary does not know."""
    for facet, known in KNOWN_VALUES.items():
        values = getattr(query, FACET_FILTERS[facet])
        if not values:
            continue
        found = known(values)
        unknown = [value for value in values if value not in found]
        if unknown:
            raise QueryError(facet, _("未知的取值：%(values)s。") % {"values": ", ".join(unknown)})


def facet_options(query, facets):
    """Each facet's values with `selected`; a selected value with no hits stays listed (count 0)."""
    options = {}
    for facet in FACETS:
        selected = getattr(query, FACET_FILTERS[facet])
        rows = [{"value": value, "label": label, "count": count, "selected": value in selected}
                for value, label, count in facets.get(facet, [])]
        if facet == "organization" and rows:
            rows = _named_providers(rows)
        missing = [value for value in selected if value not in {row["value"] for row in rows}]
        labels = facet_labels(facet, missing) if missing else {}
        rows += [{"value": value, "label": labels[value], "count": 0, "selected": True} for value in missing]
        options[facet] = rows
    return options


def _named_providers(rows):
    """Organization facet rows of listed organizations only (organizations.selectors)."""
    listed = set(listed_organizations().filter(slug__in=[row["value"] for row in rows]).values_list("slug", flat=True))
    return [row for row in rows if row["value"] in listed]


def search(params, viewer):
    """Run the search described by request parameters; raises QueryError on invalid input."""
    query = SearchQuery.from_params(params, viewer=viewer)
    check_vocabularies(query)
    results = get_search_backend().search(query)
    if query.page == 1 and not query.parsed.is_empty:
        record_query(query.text, results.total)
    return SearchOutcome(
        query=query, total=results.total, degraded=results.degraded,
        results=summaries_for_hits(viewer, results.hits, offset=query.offset),
        facets=facet_options(query, results.facets), did_you_mean=results.did_you_mean,
    )


def suggest(text, viewer):
    """Search-box completions (datasets, keywords, organizations) from what the viewer may see."""
    text = text if isinstance(text, str) else ""
    return get_search_backend().suggest(text[:SUGGEST_MAX_CHARS], viewer, limit=SUGGEST_LIMIT)


def related(dataset, viewer, limit=RELATED_LIMIT):
    """Datasets sharing keywords or themes with `dataset`, that the viewer may see."""
    return summaries_for_hits(viewer, get_search_backend().related(dataset, viewer, limit=limit))
