"""Full-text search in the portal's own database: the embedded default and Elasticsearch's fallback.

Text is pre-tokenized in Python (search.query.tokenize: words, and Han
characters one by one) so Chinese is searchable without database plugins.
PostgreSQL matches and ranks with a GIN-indexed tsvector ('simple' config,
title weighted A, keywords B, the rest D); SQLite with an FTS5 table and bm25()
(title 10, keywords 4, the rest 1). Both are built in migration 0001. The
query is built in database_query, the facet counts in database_facets.
"""
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Case, Count, FloatField, Q, Sum, Value, When

from core.bulk_copy import copy_objects, copy_rows

from .. import lexicon, withdrawals
from ..documents import (
    ANALYSIS_VERSION,
    build_document,
    documents_for,
    iter_document_batches,
    searchable_datasets,
    text_of,
)
from ..highlighting import highlights
from ..models import IndexedAnalysis, SearchEntry, SearchTerm
from ..query import tokenize
from .base import (
    Hit,
    SearchBackend,
    SearchResults,
    Suggestion,
    keyword_suggestions,
    labelled_facets,
    organization_suggestions,
)
from .database_facets import TERMS, total_and_facets
from .database_query import (
    ORDERINGS,
    base_filters,
    fts_ids,
    is_postgres,
    pg_lexeme,
    tsquery,
    visible_entries,
    with_facets,
    with_text,
)

# Document fields copied as they are into SearchEntry columns.
ENTRY_FIELDS = (
    "identifier", "organization_id", "organization_slug", "state", "open_grade", "licence", "update_frequency",
    "region", "title", "description", "modified", "published_at", "temporal_start", "temporal_end",
    "bbox_west", "bbox_south", "bbox_east", "bbox_north", "download_count", "metadata_score", "summary",
)
# Between two values of a field (two keywords...), so a phrase never spans them, as in
# Elasticsearch. A private-use character: a token to both engines, never one of a query.
VALUE_SEPARATOR = "\ue000"


def _tokens(document, group):
    values = (" ".join(tokenize(value)) for value in text_of(document, group))
    return f" {VALUE_SEPARATOR} ".join(value for value in values if value)


def _entry(document, keyword_tokens, body_tokens):
    return SearchEntry(
        dataset_id=document["id"],
        **{name: document[name] for name in ENTRY_FIELDS},
        title_tokens=document["title_tokens"],
        title_stems=document["title_stems"],
        keyword_tokens=keyword_tokens,
        body_tokens=body_tokens,
    )


def _terms(document):
    """(entry_id, facet, value) rows of the document's multi-valued facets."""
    return [
        (document["id"], facet, value)
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

    def write_entries(self, dataset_ids, documents=None):
        """Re-read these datasets into their entries (Elasticsearch's fallback copy, too); `documents`:
        theirs, when the caller has built them already."""
        ids = set(dataset_ids)
        documents = documents_for(ids) if documents is None else documents
        with transaction.atomic():
            SearchEntry.objects.filter(pk__in=ids - {document["id"] for document in documents}).delete()
            self.bulk_index(documents)

    @transaction.atomic
    def bulk_index(self, documents):
        documents = list(documents)
        ids = [document["id"] for document in documents]
        SearchEntry.objects.filter(pk__in=ids).delete()
        self._insert(documents)
        if ids and is_postgres():
            _set_vectors(SearchEntry.objects.filter(pk__in=ids))

    def _insert(self, documents):
        """Insert entries (not yet stored) and their facet terms in bulk: a few statements per batch."""
        entries, terms, title_words, other_words = [], [], set(), set()
        for document in documents:
            keyword_tokens, body_tokens = _tokens(document, "keywords"), _tokens(document, "body")
            entries.append(_entry(document, keyword_tokens, body_tokens))
            terms += _terms(document)
            title_words.update(document["title_tokens"].split(), keyword_tokens.split())
            other_words.update(body_tokens.split())
        copy_objects(entries)
        copy_rows(SearchTerm, ("entry", "facet", "value"), terms)
        lexicon.record(title_words, other_words)

    def remove(self, dataset_id):
        SearchEntry.objects.filter(pk=dataset_id).delete()

    def rebuild(self, progress=None):
        upto = withdrawals.mark()
        total = searchable_datasets().count()
        done = 0
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            SearchEntry.objects.all().delete()
            lexicon.clear()
            for documents in iter_document_batches():
                self._insert(documents)
                done += len(documents)
                if progress:
                    progress(done, total)
            if is_postgres():
                _set_vectors(SearchEntry.objects.all())
            withdrawals.confirm(self.name, upto)
            IndexedAnalysis.objects.update_or_create(backend=self.name, defaults={"version": ANALYSIS_VERSION})
        # Fresh statistics, so the planner does not guess after a bulk load (facet queries joined wrong).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
            cursor.execute(f"ANALYZE {TERMS}")
        if progress:
            progress(total, total)
        return total

    def reset(self):
        SearchEntry.objects.all().delete()
        lexicon.clear()
        IndexedAnalysis.objects.update_or_create(backend=self.name, defaults={"version": ANALYSIS_VERSION})

    def analysis_is_current(self):
        """False when the entries were written by another version of the text analysis."""
        return IndexedAnalysis.objects.filter(backend=self.name, version=ANALYSIS_VERSION).exists() or (
            not SearchEntry.objects.exists())

    def indexed_versions(self):
        return dict(SearchEntry.objects.values_list("dataset_id", "modified"))

    def ping(self):
        # /healthz is public: a count of entries would count restricted datasets too.
        SearchEntry.objects.exists()
        return f"database ({connection.vendor})"

    # --- reading ---

    def run(self, query):
        def scope(ranked):
            return base_filters(with_text(visible_entries(SearchEntry.objects.all(), query.viewer), query.parsed,
                                            ranked=ranked), query)

        total, counts = total_and_facets(scope(ranked=False), query)
        matching = with_facets(scope(ranked=True), query.facet_filters())
        page = matching.order_by(*ORDERINGS[query.effective_sort])[query.offset:query.offset + query.size]
        hits = [Hit(entry.dataset_id, float(entry.rank or 0), highlights(query.parsed, entry.title, entry.description),
                    entry.summary)
                for entry in page.only("dataset_id", "title", "description", "summary")]
        return SearchResults(total=total, hits=hits, facets=labelled_facets(counts),
                             page=query.page, page_size=query.page_size)

    def suggest(self, text, viewer, limit=5):
        tokens = tokenize(text or "")
        if not tokens:
            return []
        visible = visible_entries(SearchEntry.objects.all(), viewer)
        if is_postgres():
            expression = " <-> ".join(pg_lexeme(token) + ":A" for token in tokens[:-1])
            last = pg_lexeme(tokens[-1]) + ":*A"
            titles = visible.filter(search_vector=tsquery(f"{expression} <-> {last}" if expression else last))
        else:
            phrase = " ".join(token.replace('"', '""') for token in tokens)
            titles = visible.filter(pk__in=fts_ids(f'title_tokens : "{phrase}" *'))
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
        others = visible_entries(SearchEntry.objects.exclude(pk=dataset.pk), viewer)
        rows = (
            SearchTerm.objects.filter(shared, entry__in=others)
            .values("entry_id")
            .annotate(score=Sum(Case(When(facet=SearchTerm.Facet.KEYWORD, then=Value(2.0)), default=Value(1.0),
                                     output_field=FloatField())))
            .order_by("-score", "-entry__download_count", "-entry_id")[:limit]
        )
        scores = {row["entry_id"]: row["score"] for row in rows}
        summaries = dict(SearchEntry.objects.filter(pk__in=scores).values_list("pk", "summary"))
        return [Hit(pk, score, summary=summaries[pk]) for pk, score in scores.items() if pk in summaries]
