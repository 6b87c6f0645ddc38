"""Full-text search in the portal's own database: the embedded default and Elasticsearch's fallback.

Text is pre-tokenized in Python (search.query.tokenize: words, and Han
characters one by one) so Chinese is searchable without database plugins.
PostgreSQL matches and ranks with a GIN-indexed tsvector ('simple' config,
title weighted A, keywords B, the rest D); SQLite with an FTS5 table and bm25()
(title 10, keywords 4, the rest 1). Both are built in migration 0001.
"""
import datetime
import html

from django.contrib.postgres.search import SearchQuery as TsQuery
from django.contrib.postgres.search import SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, Concat, Length, StrIndex
from django.db.models.lookups import GreaterThan
from django.db.models.expressions import RawSQL

from datasets.grading import Visibility
from datasets.models import Dataset

from .. import withdrawals
from ..documents import build_document, documents_for, iter_document_batches, searchable_datasets, text_of
from ..models import SearchEntry, SearchTerm
from ..query import token_spans, tokenize
from .base import (
    FACET_FILTERS, FACET_SIZE, Hit, SearchBackend, SearchResults, Suggestion, keyword_suggestions,
    labelled_facets, local_day_start, organization_suggestions, sorted_counts,
)

SINGLE_VALUED = {"organization": "organization_slug", "open_grade": "open_grade", "licence": "licence",
                 "update_frequency": "update_frequency"}
MULTI_VALUED = {"theme": SearchTerm.Facet.THEME, "keyword": SearchTerm.Facet.KEYWORD,
                "format": SearchTerm.Facet.FORMAT}
ORDERINGS = {
    "relevance": ("-title_match", "-rank", "-published_at", "-dataset_id"),
    "newest": ("-published_at", "-dataset_id"),
    "modified": ("-modified", "-dataset_id"),
    "title": ("title", "dataset_id"),
    "downloads": ("-download_count", "-dataset_id"),
}
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"
# Document fields copied as they are into SearchEntry columns.
ENTRY_FIELDS = (
    "identifier", "organization_id", "organization_slug", "state", "open_grade", "licence", "update_frequency",
    "region", "title", "description", "modified", "published_at", "temporal_start", "temporal_end",
    "bbox_west", "bbox_south", "bbox_east", "bbox_north", "download_count", "summary",
)
INSERT_BATCH = 1000
TERMS = SearchTerm._meta.db_table
SNIPPET_CHARS = 160
# Between two values of a field (two keywords...), so a phrase never spans them, as in
# Elasticsearch. A private-use character: a token to both engines, never one of a query.
VALUE_SEPARATOR = "\ue000"


def _postgres():
    return connection.vendor == "postgresql"


# --- query text -> engine syntax (built only from clean tokens, never from user text) ---

def _pg_lexeme(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts_token(token):
    return '"' + token.replace('"', '""') + '"'


def _match_expression(term):
    """The engine's query for one term: its tokens adjacent (phrase) or all present."""
    if _postgres():
        return "(" + (" <-> " if term.phrase else " & ").join(map(_pg_lexeme, term.tokens)) + ")"
    if term.phrase:
        return '"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"'
    return "(" + " AND ".join(map(_fts_token, term.tokens)) + ")"


def _rank_expression(terms):
    """All terms required; multi-token terms that occur contiguously rank higher."""
    parts = []
    for term in terms:
        match = _match_expression(term)
        if len(term.tokens) > 1 and not term.phrase:
            contiguous = _match_expression(type(term)(text=term.text, tokens=term.tokens, phrase=True))
            if _postgres():
                match = f"({match} & ({contiguous} | {_pg_lexeme(term.tokens[0])}))"
            else:
                match = f"({match} AND ({contiguous} OR {_fts_token(term.tokens[0])}))"
        parts.append(match)
    return (" & " if _postgres() else " AND ").join(parts)


def _tsquery(expression):
    return TsQuery(expression, search_type="raw", config="simple")


def _fts_ids(expression):
    return RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])


def _title_match(parsed):
    """2 when the title is exactly the query's words; between 1 and 2 when it contains them in
    order (the shorter the title, the higher); else 0. Ranked before the text score, which cannot
    tell a title made of the query alone from a longer one containing it."""
    phrase = parsed.token_text
    padded = Concat(Value(" "), F("title_tokens"), Value(" "), output_field=CharField())
    share = Value(float(len(phrase))) / Cast(Length("title_tokens"), FloatField())
    return Case(When(title_tokens=phrase, then=Value(2.0)),
                When(GreaterThan(StrIndex(padded, Value(f" {phrase} ")), 0), then=Value(1.0) + share),
                default=Value(0.0), output_field=FloatField())


def _with_text(queryset, parsed, ranked=True):
    """Filter by the parsed query and, if `ranked`, annotate `rank` (0 when there is no text)."""
    for term in parsed.excluded:
        if _postgres():
            queryset = queryset.exclude(search_vector=_tsquery(_match_expression(term)))
        else:
            queryset = queryset.exclude(pk__in=_fts_ids(_match_expression(term)))
    if parsed.is_empty:
        if not ranked:
            return queryset
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()), title_match=Value(0.0))
    expression = _rank_expression(parsed.terms)
    if not ranked and not _postgres():
        return queryset.filter(pk__in=_fts_ids(expression))
    queryset = queryset.annotate(title_match=_title_match(parsed))
    if _postgres():
        query = _tsquery(expression)
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    # A join, so FTS5 evaluates the match once and drives the query (a per-row subquery re-ran it).
    return queryset.extra(
        tables=["search_fts"],
        where=["search_fts.rowid = search_searchentry.dataset_id", "search_fts MATCH %s"], params=[expression],
        select={"rank": f"-bm25(search_fts, {SQLITE_WEIGHTS})"},
    )


# --- filters ---

def _visible(queryset, viewer):
    visibility = Visibility(viewer)
    queryset = queryset.filter(state=Dataset.State.PUBLISHED).exclude(pk__in=withdrawals.withdrawn_subquery())
    if visibility.everything:
        return queryset
    return queryset.filter(
        Q(state__in=visibility.public_states, open_grade__in=visibility.public_grades)
        | Q(organization_id__in=visibility.organization_ids)
    )


def _facet_condition(facet, values):
    if facet in SINGLE_VALUED:
        return Q(**{f"{SINGLE_VALUED[facet]}__in": values})
    return Q(pk__in=SearchTerm.objects.filter(facet=MULTI_VALUED[facet], value__in=values).values("entry_id"))


def _base_filters(queryset, query):
    """Filters that are not facets: region, dates, temporal overlap, bbox intersection."""
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


def _with_facets(queryset, filters):
    for facet, values in filters.items():
        queryset = queryset.filter(_facet_condition(facet, values))
    return queryset


def _facet_sql(facet, values):
    """SQL condition (and params) on the scope's row `m` meaning: matches these facet values."""
    marks = ", ".join(["%s"] * len(values))
    if facet in SINGLE_VALUED:
        return f"m.{SINGLE_VALUED[facet]} IN ({marks})", list(values)
    return (f"m.dataset_id IN (SELECT entry_id FROM {TERMS} WHERE facet = %s AND value IN ({marks}))",
            [MULTI_VALUED[facet], *values])


def _where(query, exclude=None):
    conditions, params = ["1 = 1"], []
    for facet, values in query.facet_filters(exclude=exclude).items():
        condition, condition_params = _facet_sql(facet, values)
        conditions.append(condition)
        params += condition_params
    return " AND ".join(conditions), params


def _total_and_facets(scope, query):
    """The total and every facet's counts in one statement over the scope (text, base filters,
    visibility) evaluated once: each facet counts the rows matching the *other* facets' selection."""
    columns = ("dataset_id", *SINGLE_VALUED.values())
    scope_sql, scope_params = scope.order_by().values(*columns).query.sql_with_params()
    params = list(scope_params)
    parts, binary = [], ' COLLATE "C"' if _postgres() else ""
    where, where_params = _where(query)
    parts.append(f"SELECT '', '', COUNT(*) FROM m WHERE {where}")
    params += where_params
    for facet in FACET_FILTERS:
        where, where_params = _where(query, exclude=facet)
        if facet in SINGLE_VALUED:
            value = f"m.{SINGLE_VALUED[facet]}"
            rows, rows_params = "m", [facet]
        else:
            value = "t.value"
            rows = f"m JOIN {TERMS} t ON t.entry_id = m.dataset_id AND t.facet = %s"
            rows_params = [facet, MULTI_VALUED[facet]]
        # The top FACET_SIZE in sorted_counts' order (code point order breaks ties on both databases).
        parts.append(f"SELECT * FROM (SELECT %s, {value}, COUNT(*) FROM {rows} WHERE {where} AND {value} <> '' "
                     f"GROUP BY {value} ORDER BY COUNT(*) DESC, {value}{binary} LIMIT {FACET_SIZE}) AS {facet}_counts")
        params += [*rows_params, *where_params]
    sql = f"WITH m AS MATERIALIZED ({scope_sql}) " + " UNION ALL ".join(parts)
    total, counts = 0, {facet: [] for facet in FACET_FILTERS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, count in cursor.fetchall():
            if facet:
                counts[facet].append((value, count))
            else:
                total = count
    return total, {facet: sorted_counts(pairs) for facet, pairs in counts.items()}


# --- highlights ---

def _highlight(text, tokens, snippet=False):
    """HTML-escaped text with <mark> around the words/characters that are query tokens, or ''."""
    spans = [(start, end) for start, end, token in token_spans(text) if token in tokens] if tokens else []
    if not spans:
        return ""
    if snippet and len(text) > SNIPPET_CHARS:
        start = max(0, spans[0][0] - SNIPPET_CHARS // 4)
        end = start + SNIPPET_CHARS
        spans = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
        prefix, suffix, text = ("…" if start else ""), ("…" if end < len(text) else ""), text[start:end]
    else:
        prefix = suffix = ""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    return prefix + "".join(pieces) + html.escape(text[last:]) + suffix


def _tokens(document, group):
    values = (" ".join(tokenize(value)) for value in text_of(document, group))
    return f" {VALUE_SEPARATOR} ".join(value for value in values if value)


def _entry(document):
    return SearchEntry(
        dataset_id=document["id"],
        **{name: document[name] for name in ENTRY_FIELDS},
        title_tokens=document["title_tokens"],
        keyword_tokens=_tokens(document, "keywords"),
        body_tokens=_tokens(document, "body"),
    )


def _terms(document):
    return [
        SearchTerm(entry_id=document["id"], facet=facet, value=value)
        for facet, values in ((SearchTerm.Facet.THEME, document["themes"]),
                              (SearchTerm.Facet.KEYWORD, document["keywords"]),
                              (SearchTerm.Facet.FORMAT, document["formats"]))
        for value in values
    ]


def _set_vectors(entries):
    """PostgreSQL: compute the weighted tsvector of these entries in one UPDATE (in SQL: building it
    as an expression per inserted row costs more in Python than the database spends on it)."""
    entries.update(
        search_vector=SearchVector("title_tokens", weight="A", config="simple")
        + SearchVector("keyword_tokens", weight="B", config="simple")
        + SearchVector("body_tokens", weight="D", config="simple")
    )


class DatabaseBackend(SearchBackend):
    name = "database"

    # --- writing ---

    def index_datasets(self, dataset_ids):
        upto = withdrawals.mark()
        self.write_entries(dataset_ids)
        withdrawals.confirm(self.name, upto, dataset_ids)

    def write_entries(self, dataset_ids):
        """Re-read these datasets into their entries (Elasticsearch's fallback copy, too)."""
        ids = set(dataset_ids)
        documents = documents_for(ids)
        with transaction.atomic():
            SearchEntry.objects.filter(pk__in=ids - {document["id"] for document in documents}).delete()
            self.bulk_index(documents)

    @transaction.atomic
    def bulk_index(self, documents):
        documents = list(documents)
        ids = [document["id"] for document in documents]
        SearchEntry.objects.filter(pk__in=ids).delete()
        self._insert(documents)
        if ids and _postgres():
            _set_vectors(SearchEntry.objects.filter(pk__in=ids))

    def _insert(self, documents):
        """Insert entries (not yet stored) and their facet terms in bulk: a few statements per batch."""
        entries, terms = [], []
        for document in documents:
            entries.append(_entry(document))
            terms += _terms(document)
        SearchEntry.objects.bulk_create(entries, batch_size=INSERT_BATCH)
        SearchTerm.objects.bulk_create(terms, batch_size=INSERT_BATCH)

    def remove(self, dataset_id):
        SearchEntry.objects.filter(pk=dataset_id).delete()

    def rebuild(self, progress=None):
        upto = withdrawals.mark()
        total = searchable_datasets().count()
        done = 0
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            SearchEntry.objects.all().delete()
            for documents in iter_document_batches():
                self._insert(documents)
                done += len(documents)
                if progress:
                    progress(done, total)
            if _postgres():
                _set_vectors(SearchEntry.objects.all())
            withdrawals.confirm(self.name, upto)
        # Fresh statistics, so the planner does not guess after a bulk load (facet queries joined wrong).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
            cursor.execute(f"ANALYZE {TERMS}")
        if progress:
            progress(total, total)
        return total

    def reset(self):
        SearchEntry.objects.all().delete()

    def indexed_versions(self):
        return dict(SearchEntry.objects.values_list("dataset_id", "modified"))

    def ping(self):
        # /healthz is public: a count of entries would count restricted datasets too.
        SearchEntry.objects.exists()
        return f"database ({connection.vendor})"

    # --- reading ---

    def search(self, query):
        def scope(ranked):
            return _base_filters(_with_text(_visible(SearchEntry.objects.all(), query.viewer), query.parsed,
                                            ranked=ranked), query)

        total, counts = _total_and_facets(scope(ranked=False), query)
        matching = _with_facets(scope(ranked=True), query.facet_filters())
        page = matching.order_by(*ORDERINGS[query.effective_sort])[query.offset:query.offset + query.page_size]
        tokens = {token for term in query.parsed.terms for token in term.tokens}
        hits = []
        for entry in page.only("dataset_id", "title", "description", "summary"):
            highlights = {"title": _highlight(entry.title, tokens),
                          "description": _highlight(entry.description, tokens, snippet=True)}
            hits.append(Hit(entry.dataset_id, float(entry.rank or 0), {k: v for k, v in highlights.items() if v},
                            entry.summary))
        return SearchResults(total=total, hits=hits, facets=labelled_facets(counts),
                             page=query.page, page_size=query.page_size)

    def suggest(self, text, viewer, limit=5):
        tokens = tokenize(text or "")
        if not tokens:
            return []
        visible = _visible(SearchEntry.objects.all(), viewer)
        if _postgres():
            expression = " <-> ".join(_pg_lexeme(token) + ":A" for token in tokens[:-1])
            last = _pg_lexeme(tokens[-1]) + ":*A"
            titles = visible.filter(search_vector=_tsquery(f"{expression} <-> {last}" if expression else last))
        else:
            phrase = " ".join(token.replace('"', '""') for token in tokens)
            titles = visible.filter(pk__in=_fts_ids(f'title_tokens : "{phrase}" *'))
        datasets = [
            Suggestion("dataset", identifier, title)
            for identifier, title in titles.order_by("-download_count", "title", "dataset_id")
            .values_list("identifier", "title")[:limit]
        ]
        keyword_counts = (SearchTerm.objects.filter(entry__in=visible.values("pk"), facet=SearchTerm.Facet.KEYWORD,
                                                    value__istartswith=text.strip())
                          .order_by().values_list("value").annotate(n=Count("entry_id")))
        return datasets + keyword_suggestions(keyword_counts, text, limit) + organization_suggestions(text, limit)

    def related(self, dataset, viewer, limit=5):
        document = build_document(dataset)
        shared = (Q(facet=SearchTerm.Facet.KEYWORD, value__in=document["keywords"])
                  | Q(facet=SearchTerm.Facet.THEME, value__in=document["themes"]))
        rows = (
            SearchTerm.objects.filter(shared, entry__in=_visible(SearchEntry.objects.exclude(pk=dataset.pk), viewer))
            .values("entry_id")
            .annotate(score=Sum(Case(When(facet=SearchTerm.Facet.KEYWORD, then=Value(2.0)), default=Value(1.0),
                                     output_field=FloatField())))
            .order_by("-score", "-entry__download_count", "-entry_id")[:limit]
        )
        scores = {row["entry_id"]: row["score"] for row in rows}
        summaries = dict(SearchEntry.objects.filter(pk__in=scores).values_list("pk", "summary"))
        return [Hit(pk, score, summary=summaries[pk]) for pk, score in scores.items() if pk in summaries]
