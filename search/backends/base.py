"""The search interface every backend implements, and the value objects it speaks.

Callers (the search page and API) build a `SearchQuery` (directly or with
`SearchQuery.from_params`), call `get_search_backend().search(query)` and get a
`SearchResults`: the total, one page of `Hit`s (dataset id, score, highlights)
and facet counts. The viewer (a datasets.grading.Viewer) is applied inside the
engine, each translating the viewer's visibility terms into its own query, so
totals and facet counts never include what the viewer may not see, and only
published datasets are listed. Invalid input raises `QueryError`
(a ValueError naming the parameter) for the API to turn into a 400.

Facets are disjunctive within a facet (choosing two themes shows either) and
conjunctive across facets; each facet's counts ignore its own selection so
the other values stay choosable.
"""
import abc
import copy
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from core.datetimes import local_day_start  # noqa: F401 (the backends' day bounds)
from datasets.facets import QUALITY_RANGES, quality_label, quality_range
from datasets.grading import Viewer
from datasets.models import OpenGrade, UpdateFrequency
from organizations.selectors import listed_organizations

from ..expansion import FEW_RESULTS, corrections, expand
from ..query import parse_query
from ..vocabulary import VOCABULARIES, labels
from .query_values import (
    QueryError,
    bbox_value,
    date_value,
    facet_values,
    natural_int,
    positive_int,
)

FACETS = ("organization", "theme", "keyword", "format", "open_grade", "licence", "update_frequency", "quality")
# SearchQuery attribute holding each facet's selected values.
FACET_FILTERS = {
    "organization": "organizations",
    "theme": "themes",
    "keyword": "keywords",
    "format": "formats",
    "open_grade": "open_grades",
    "licence": "licences",
    "update_frequency": "update_frequencies",
    # Ranges of the metadata score ("60-79"), counted as the fixed QUALITY_RANGES.
    "quality": "quality_ranges",
}
SORTS = ("relevance", "newest", "modified", "title", "downloads", "quality")
# Orders machine clients walk a catalog in (exchange.ckan), not offered on the search page:
# "id" is the order datasets were created in, so a walk in pages sees each dataset once.
WALK_SORTS = ("id", "modified_asc")
MAX_RESULT_WINDOW = 10_000  # page * page_size on the search page and /api/v1/search/
MAX_PAGE_SIZE = 100
# Clients paging by offset (`start`, `rows`) may walk the whole catalog; the Elasticsearch
# index's max_result_window is set to this (search.backends.elasticsearch).
MAX_WALK_WINDOW = 1_000_000
MAX_ROWS = 1000
FACET_SIZE = 50


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached (backends fall back rather than raise it to callers)."""


@dataclass
class SearchQuery:
    """What to search for, for whom. Validated on construction (raises QueryError).

    Facet filters hold values: organization slugs, theme codes (a parent theme
    matches its sub-themes), keywords, formats (upper case), open grades,
    licence codes, update frequencies, metadata score ranges ("60-79", see
    datasets.facets.quality_range; a dataset not scored yet is in none). Date ranges are inclusive days in the
    portal's time zone. `temporal_start`/`temporal_end` select datasets whose
    temporal coverage overlaps them; `bbox` (west, south, east, north) those
    whose bounding box intersects it.
    """

    text: str = ""
    organizations: tuple = ()
    themes: tuple = ()
    keywords: tuple = ()
    formats: tuple = ()
    open_grades: tuple = ()
    licences: tuple = ()
    update_frequencies: tuple = ()
    quality_ranges: tuple = ()
    region: str = ""
    modified_from: datetime.date | None = None
    modified_to: datetime.date | None = None
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    temporal_start: datetime.date | None = None
    temporal_end: datetime.date | None = None
    bbox: tuple | None = None
    # Any further filter (search.conditions), applied like the base filters.
    condition: object = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    # An offset window instead of a page: `rows` hits from hit `start` (0-based); rows may be 0.
    start: int | None = None
    rows: int | None = None
    # The facets to count (all of FACETS unless told; the others answer empty): counting costs.
    counted_facets: tuple = FACETS
    viewer: Viewer = field(default_factory=lambda: Viewer(None))  # anonymous unless given
    parsed: object = field(init=False, repr=False)

    def __post_init__(self):
        self.text = self.text if isinstance(self.text, str) else ""
        for facet, attribute in FACET_FILTERS.items():
            setattr(self, attribute, facet_values(facet, getattr(self, attribute)))
        self.formats = tuple(value.upper() for value in self.formats)
        if invalid := [value for value in self.quality_ranges if quality_range(value) is None]:
            raise QueryError("quality", _("无效的分数范围：%(values)s。应为 0 到 100 之间的“低-高”，如 60-79。")
                             % {"values": ", ".join(invalid)})
        self.region = str(self.region or "").strip()[:200]
        for name in ("modified_from", "modified_to", "published_from", "published_to",
                     "temporal_start", "temporal_end"):
            setattr(self, name, date_value(name, getattr(self, name)))
        for start, end in (("modified_from", "modified_to"), ("published_from", "published_to"),
                           ("temporal_start", "temporal_end")):
            if getattr(self, start) and getattr(self, end) and getattr(self, end) < getattr(self, start):
                raise QueryError(end, _("结束日期不能早于开始日期。"))
        self.bbox = bbox_value(self.bbox)
        self.counted_facets = tuple(facet for facet in FACETS if facet in set(self.counted_facets))
        if self.sort not in SORTS + WALK_SORTS:
            raise QueryError("sort", _("无效的排序：%(sort)s。可选：%(choices)s。")
                             % {"sort": self.sort, "choices": ", ".join(SORTS)})
        self.page = positive_int("page", self.page)
        self.page_size = positive_int("page_size", self.page_size, MAX_PAGE_SIZE)
        if self.start is not None or self.rows is not None:
            self.start = natural_int("start", self.start or 0, MAX_WALK_WINDOW)
            self.rows = natural_int("rows", 20 if self.rows is None else self.rows, MAX_ROWS)
            if self.start + self.rows > MAX_WALK_WINDOW:
                raise QueryError("start", _("最多只能浏览前 %(n)d 条结果，请缩小搜索范围。") % {"n": MAX_WALK_WINDOW})
        elif self.page * self.page_size > MAX_RESULT_WINDOW:
            raise QueryError("page", _("最多只能浏览前 %(n)d 条结果，请缩小搜索范围。") % {"n": MAX_RESULT_WINDOW})
        self.parsed = expand(parse_query(self.text))

    @classmethod
    def from_params(cls, params, viewer):
        """Build from request parameters (a QueryDict: repeated or comma-separated values)."""
        def many(name):
            values = params.getlist(name) if hasattr(params, "getlist") else params.get(name) or []
            values = [values] if isinstance(values, str) else values
            return [part for value in values for part in str(value).split(",")]

        single = {name: params.get(name) for name in (
            "region", "modified_from", "modified_to", "published_from", "published_to",
            "temporal_start", "temporal_end", "bbox", "page", "page_size") if params.get(name) not in (None, "")}
        return cls(
            text=params.get("q") or "",
            sort=params.get("sort") or "relevance",
            viewer=viewer,
            **{attribute: many(facet) for facet, attribute in FACET_FILTERS.items()},
            **single,
        )

    def with_parsed(self, parsed):
        """This query with other terms (typo alternatives), validated already."""
        other = copy.copy(self)
        other.parsed = parsed
        return other

    @property
    def offset(self):
        return self.start if self.start is not None else (self.page - 1) * self.page_size

    @property
    def size(self):
        """How many hits to return."""
        return self.rows if self.rows is not None else self.page_size

    @property
    def effective_sort(self):
        """Relevance means nothing without text: browse newest first."""
        return "newest" if self.sort == "relevance" and self.parsed.is_empty else self.sort

    def facet_filters(self, exclude=None):
        """{facet: selected values} for the facets with a selection, optionally leaving one out."""
        return {
            facet: getattr(self, attribute)
            for facet, attribute in FACET_FILTERS.items()
            if facet != exclude and getattr(self, attribute)
        }


@dataclass
class Hit:
    dataset_id: int
    score: float = 0.0
    # {field: HTML-escaped text with <mark>…</mark> around matches}; only fields that matched.
    highlights: dict = field(default_factory=dict)
    # The document's summary, what a result shows (search.summaries).
    summary: dict = field(default_factory=dict)


@dataclass
class SearchResults:
    total: int
    hits: list
    # {facet: [(value, label, count), ...]} most frequent first.
    facets: dict
    page: int = 1
    page_size: int = 20
    # True when Elasticsearch was unreachable and the database backend answered.
    degraded: bool = False
    # The query with unknown words corrected, when the results include typo corrections.
    did_you_mean: str = ""

    @property
    def dataset_ids(self):
        return [hit.dataset_id for hit in self.hits]


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "dataset" (value: identifier), "keyword" or "organization" (value: slug)
    value: str
    label: str


def facet_labels(facet, values):
    """Display labels for facet values, in the active language."""
    if facet in VOCABULARIES:
        return labels(facet, values)
    if facet == "open_grade":
        names = dict(OpenGrade.choices)
    elif facet == "update_frequency":
        names = dict(UpdateFrequency.choices)
    elif facet == "quality":
        names = {value: quality_label(value) for value in values}
    else:
        names = {}
    return {value: str(names.get(value, value)) for value in values}


def labelled_facets(counts):
    """{facet: [(value, count)]} -> {facet: [(value, label, count)]}, every facet present."""
    facets = {}
    for facet in FACETS:
        pairs = counts.get(facet, [])
        if facet == "quality":  # ranges read best first, whatever their counts
            order = [value for value, _low, _high in QUALITY_RANGES]
            pairs = sorted(pairs, key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
        labels = facet_labels(facet, [value for value, _count in pairs])
        facets[facet] = [(value, labels[value], count) for value, count in pairs]
    return facets


def sorted_counts(pairs):
    """Most frequent first, ties by value, at most FACET_SIZE; the order both backends use."""
    return sorted(((value, count) for value, count in pairs if value and count),
                  key=lambda pair: (-pair[1], pair[0]))[:FACET_SIZE]


def organization_suggestions(text, limit):
    """Listed organizations are public: suggest them from the catalog itself for every backend."""
    text = text.strip()
    if not text:
        return []
    matches = listed_organizations().filter(
        Q(name_zh__istartswith=text) | Q(name_en__istartswith=text) | Q(slug__istartswith=text)
    ).order_by("slug")[:limit]
    return [Suggestion("organization", org.slug, org.name) for org in matches]


def keyword_suggestions(counts, text, limit):
    """Keywords starting with `text` (case-insensitive) from {keyword: count}, most used first."""
    prefix = text.strip().casefold()
    pairs = [(value, count) for value, count in counts if value.casefold().startswith(prefix)]
    return [Suggestion("keyword", value, value) for value, _count in sorted_counts(pairs)[:limit]]


class SearchBackend(abc.ABC):
    """One search engine. Every method is safe to call again (indexing is idempotent)."""

    name = ""

    def index(self, dataset_id):
        """Bring one dataset's entry up to date (index it, or remove it if no longer searchable)."""
        self.index_datasets([dataset_id])

    @abc.abstractmethod
    def index_datasets(self, dataset_ids):
        """Re-read these datasets from the database; index the searchable ones, remove the rest."""

    @abc.abstractmethod
    def bulk_index(self, documents):
        """Store already-built documents (search.documents.build_document)."""

    @abc.abstractmethod
    def remove(self, dataset_id):
        """Drop a dataset's entry; no error if it is not there."""

    def search(self, query):
        """Run a SearchQuery; returns SearchResults. A query finding fewer than FEW_RESULTS with words
        no indexed text holds runs again with their typo corrections (search.expansion), answered
        when it finds more."""
        results = self.run(query)
        if results.total >= FEW_RESULTS or not query.parsed.unknown_words:
            return results
        typos = corrections(query.parsed, query.text)
        if typos is None:
            return results
        corrected = self.run(query.with_parsed(typos.parsed))
        if corrected.total <= results.total:
            return results
        # Offered only if it finds something itself, for this viewer: never a word of a hidden dataset.
        suggestion = query.with_parsed(expand(parse_query(typos.did_you_mean))) if typos.did_you_mean else None
        corrected.did_you_mean = typos.did_you_mean if suggestion and self.run(suggestion).total else ""
        return corrected

    @abc.abstractmethod
    def run(self, query):
        """Run a SearchQuery as it is (its terms and their alternatives); returns SearchResults."""

    @abc.abstractmethod
    def suggest(self, text, viewer, limit=5):
        """Completions for a search box: datasets (title prefix), keywords and organizations,
        at most `limit` of each kind, only from datasets the viewer may see."""

    @abc.abstractmethod
    def related(self, dataset, viewer, limit=5):
        """Hits for visible published datasets sharing keywords (2 points each) or themes (1 point)."""

    @abc.abstractmethod
    def ping(self):
        """Raise if the engine is unusable; return a short status description."""

    def health(self):
        """What /healthz shows of the engine: {"description": ...} and, for a cluster, its status; raises as ping."""
        return {"description": self.ping()}

    @abc.abstractmethod
    def rebuild(self, progress=None):
        """Index every searchable dataset from scratch; `progress(done, total)` is called as it goes."""

    @abc.abstractmethod
    def reset(self):
        """Empty the index (tests and fresh installations)."""

    @abc.abstractmethod
    def indexed_versions(self):
        """{dataset_id: modified datetime} of what the index holds, for reconciliation."""

    def reconcile(self):
        """Re-index what differs from the database; returns the dataset ids repaired."""
        from .. import withdrawals
        from ..documents import searchable_versions

        upto = withdrawals.mark()
        expected, indexed = searchable_versions(), self.indexed_versions()
        stale = sorted(
            {pk for pk, modified in expected.items() if indexed.get(pk) != modified} | (set(indexed) - set(expected))
        )
        if stale:
            self.index_datasets(stale)
        withdrawals.confirm(self.name, upto)  # the rest already matched the catalog
        return stale
