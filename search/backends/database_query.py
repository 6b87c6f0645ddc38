"""The database backend's query: text into the engine's syntax, the viewer's visibility, the filters.

Engine syntax is built only from clean tokens (search.query), never from user text:
PostgreSQL's tsquery on the GIN-indexed tsvector, or SQLite's FTS5 MATCH.
"""
import dataclasses
import datetime
import functools
import operator

from django.contrib.postgres.search import SearchQuery as TsQuery
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, Length, StrIndex
from django.db.models.lookups import GreaterThan

from datasets.facets import quality_range
from datasets.models import Dataset

from .. import withdrawals
from ..conditions import fold
from ..models import SearchTerm
from .base import local_day_start

# Facets stored as a column of the entry, and those stored as SearchTerm rows.
SINGLE_VALUED = {"organization": "organization_slug", "open_grade": "open_grade", "licence": "licence",
                 "update_frequency": "update_frequency"}
MULTI_VALUED = {"theme": SearchTerm.Facet.THEME, "keyword": SearchTerm.Facet.KEYWORD,
                "format": SearchTerm.Facet.FORMAT}
# Facets whose values are ranges of a number column: {facet: column}.
RANGE_VALUED = {"quality": "metadata_score"}
ORDERINGS = {
    "relevance": ("-title_match", "-rank", "-published_at", "-dataset_id"),
    "newest": ("-published_at", "-dataset_id"),
    "modified": ("-modified", "-dataset_id"),
    "title": ("title", "dataset_id"),
    "downloads": ("-download_count", "-dataset_id"),
    # Not scored yet last, as Elasticsearch sorts a missing value.
    "quality": (F("metadata_score").desc(nulls_last=True), "-dataset_id"),
    "id": ("dataset_id",),
    "modified_asc": ("modified", "dataset_id"),
}
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"


def is_postgres():
    return connection.vendor == "postgresql"


# --- query text -> engine syntax ---

def pg_lexeme(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts_token(token):
    return '"' + token.replace('"', '""') + '"'


def _variant_expression(term):
    """One variant's query: its tokens adjacent (phrase) or all present."""
    if is_postgres():
        return "(" + (" <-> " if term.phrase else " & ").join(map(pg_lexeme, term.tokens)) + ")"
    if term.phrase:
        return '"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"'
    return "(" + " AND ".join(map(_fts_token, term.tokens)) + ")"


def _either(parts):
    return parts[0] if len(parts) == 1 else "(" + (" | " if is_postgres() else " OR ").join(parts) + ")"


def _match_expression(term):
    """The engine's query for one term: the term as typed or any of its alternatives."""
    return _either([_variant_expression(variant) for variant in term.variants])


def _ranked_variant(term):
    """A multi-token variant whose tokens occur contiguously ranks higher."""
    match = _variant_expression(term)
    if len(term.tokens) > 1 and not term.phrase:
        contiguous = _variant_expression(dataclasses.replace(term, phrase=True))
        if is_postgres():
            return f"({match} & ({contiguous} | {pg_lexeme(term.tokens[0])}))"
        return f"({match} AND ({contiguous} OR {_fts_token(term.tokens[0])}))"
    return match


def _rank_expression(terms, exact=False):
    """All terms required (as typed only, when `exact`)."""
    parts = [_ranked_variant(term) if exact else _either([_ranked_variant(v) for v in term.variants])
             for term in terms]
    return (" & " if is_postgres() else " AND ").join(parts)


def tsquery(expression):
    return TsQuery(expression, search_type="raw", config="simple")


def fts_ids(expression):
    return RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])


def _contains(column, phrase):
    padded = Concat(Value(" "), Coalesce(F(column), Value(""), output_field=CharField()), Value(" "), output_field=CharField())
    return GreaterThan(StrIndex(padded, Value(f" {phrase} ")), 0)


def _title_match(parsed):
    """2 when the title is exactly the query's words; 1.9 when it is once both are stemmed ("Parking
    Lots" for "parking lot"); between 1 and 2 when it contains them in order (the shorter the title,
    the higher), between 0.5 and 1 when it does once stemmed; else 0. Ranked before the text score,
    which cannot tell a title made of the query alone from a longer one containing it."""
    phrase, stemmed = parsed.token_text, parsed.stem_text
    share = Value(float(len(phrase))) / Cast(Length("title_tokens"), FloatField())
    return Case(When(title_tokens=phrase, then=Value(2.0)),
                When(title_stems=stemmed, then=Value(1.9)),
                When(_contains("title_tokens", phrase), then=Value(1.0) + share),
                When(_contains("title_stems", stemmed), then=Value(0.5) + share / Value(2.0)),
                default=Value(0.0), output_field=FloatField())


def with_text(queryset, parsed, ranked=True):
    """Filter by the parsed query and, if `ranked`, annotate `rank` (0 when there is no text)."""
    for term in parsed.excluded:
        if is_postgres():
            queryset = queryset.exclude(search_vector=tsquery(_match_expression(term)))
        else:
            queryset = queryset.exclude(pk__in=fts_ids(_match_expression(term)))
    if parsed.is_empty:
        if not ranked:
            return queryset
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()), title_match=Value(0.0))
    expression = _rank_expression(parsed.terms)
    if not ranked and not is_postgres():
        return queryset.filter(pk__in=fts_ids(expression))
    queryset = queryset.annotate(title_match=_title_match(parsed))
    exact = _rank_expression(parsed.terms, exact=True) if parsed.has_alternatives else None
    if is_postgres():
        query = tsquery(expression)
        rank = SearchRank(F("search_vector"), query)
        # The words as typed score on top of their alternatives: exact matches first.
        rank = rank + SearchRank(F("search_vector"), tsquery(exact)) if exact else rank
        return queryset.filter(search_vector=query).annotate(rank=rank)
    # A join, so FTS5 evaluates the match once and drives the query (a per-row subquery re-ran it).
    rank, params = f"-bm25(search_fts, {SQLITE_WEIGHTS})", []
    if exact:
        rank += (" * (CASE WHEN search_searchentry.dataset_id IN (SELECT rowid FROM search_fts WHERE search_fts "
                 "MATCH %s) THEN 2.0 ELSE 1.0 END)")
        params = [exact]
    return queryset.extra(
        tables=["search_fts"],
        where=["search_fts.rowid = search_searchentry.dataset_id", "search_fts MATCH %s"], params=[expression],
        select={"rank": rank}, select_params=params,
    )


# --- filters ---

def visible_entries(queryset, viewer):
    """The published, not withdrawn entries the viewer may see. An entry holds the dataset's
    visibility fields under the dataset's names (datasets.grading.VISIBILITY_FIELDS), so the
    viewer's own database filter applies to it as it is."""
    queryset = queryset.filter(state=Dataset.State.PUBLISHED).exclude(pk__in=withdrawals.withdrawn_subquery())
    return viewer.filter_visible(queryset)


def ranges(values):
    """(low, high) of each range value (validated by SearchQuery)."""
    return [quality_range(value) for value in values]


def _facet_condition(facet, values):
    if facet in RANGE_VALUED:
        column = RANGE_VALUED[facet]
        return functools.reduce(operator.or_, (Q(**{f"{column}__gte": low, f"{column}__lte": high})
                                               for low, high in ranges(values)))
    if facet in SINGLE_VALUED:
        return Q(**{f"{SINGLE_VALUED[facet]}__in": values})
    return Q(pk__in=SearchTerm.objects.filter(facet=MULTI_VALUED[facet], value__in=values).values("entry_id"))


def _modified_within(start, end):
    return Q(**{key: value for key, value in (("modified__gte", start), ("modified__lte", end)) if value})


def condition_filter(condition):
    """A search.conditions tree as a Q on the entries (no entry has a null pk: the Q for nothing)."""
    return fold(condition, facet=_facet_condition, modified=_modified_within, negate=operator.invert,
                both=lambda parts: functools.reduce(operator.and_, parts, Q()),
                either=lambda parts: functools.reduce(operator.or_, parts) if parts else Q(pk__isnull=True))


def base_filters(queryset, query):
    """Filters that are not facets: region, dates, temporal overlap, bbox intersection, any condition."""
    if query.condition is not None:
        queryset = queryset.filter(condition_filter(query.condition))
    if query.region:
        queryset = queryset.filter(region=query.region)
    for name in ("modified", "published_at"):
        prefix = "modified" if name == "modified" else "published"
        start, end = getattr(query, f"{prefix}_from"), getattr(query, f"{prefix}_to")
        if start:
            queryset = queryset.filter(**{f"{name}__gte": local_day_start(start)})
        if end:
            queryset = queryset.filter(**{f"{name}__lt": local_day_start(end + datetime.timedelta(days=1))})
    if query.temporal_start or query.temporal_end:
        queryset = queryset.filter(Q(temporal_start__isnull=False) | Q(temporal_end__isnull=False))
        if query.temporal_end:
            queryset = queryset.filter(Q(temporal_start__lte=query.temporal_end) | Q(temporal_start__isnull=True))
        if query.temporal_start:
            queryset = queryset.filter(Q(temporal_end__gte=query.temporal_start) | Q(temporal_end__isnull=True))
    if query.bbox:
        west, south, east, north = query.bbox
        queryset = queryset.filter(bbox_west__lte=east, bbox_east__gte=west, bbox_south__lte=north,
                                   bbox_north__gte=south)
    return queryset


def with_facets(queryset, filters):
    for facet, values in filters.items():
        queryset = queryset.filter(_facet_condition(facet, values))
    return queryset
