"""Elasticsearch backend (elasticsearch.dsl), with the database backend as its always-current fallback.

- One versioned index `{prefix}-datasets-v{timestamp}` behind the alias
  `{prefix}-datasets`; `rebuild()` loads a new index and swaps the alias in one
  `update_aliases` call, so searches keep working during a rebuild.
- Text: every searchable field is copied into `all_text`, which decides what
  matches (the same rule as the database backend: each term's tokens present,
  phrases adjacent). Ranking adds boosted title/keyword matches, a 2-gram
  shingle subfield (so contiguous Chinese words score higher with the standard
  tokenizer, which splits Han text into characters), title proximity, and
  typo tolerance (fuzziness AUTO) for plain Latin words. Analyzer names come
  from settings so production can plug in a Chinese analyzer.
- Facets: post_filter + one filter aggregation per facet holding every *other*
  facet's filter (disjunctive within a facet, conjunctive across facets).
- Outages: every write updates the database backend first; if Elasticsearch is
  unreachable the dataset is recorded in PendingIndexUpdate and replayed later
  (`replay_pending`, `reconcile`), and searches answer from the database with
  `degraded=True`.

The query DSL (text, visibility, filters, facets) is built in elasticsearch_query.
"""
import datetime
import logging

from django.utils import timezone
from elasticsearch import (
    ApiError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)
from elasticsearch.dsl import A, Index, Q, Search

from .. import withdrawals
from ..documents import (
    build_document,
    documents_for,
    iter_documents,
    searchable_datasets,
)
from ..models import PendingIndexUpdate
from ..query import tokenize
from .base import (
    MAX_WALK_WINDOW,
    SearchBackend,
    SearchResults,
    Suggestion,
    keyword_suggestions,
    labelled_facets,
    organization_suggestions,
    sorted_counts,
)
from .database import DatabaseBackend
from .elasticsearch_mapping import build_mapping, setting, source_of
from .elasticsearch_query import (
    SORTS,
    base_filters,
    facet_aggregation,
    facet_filters,
    hit_from,
    text_query,
    visibility_filter,
)

log = logging.getLogger(__name__)

BULK_CHUNK = 1000
BULK_THREADS = 2


def _unavailable(error):
    """Errors meaning 'Elasticsearch cannot answer now' (down, overloaded, or its index missing)."""
    if isinstance(error, (TransportError, NotFoundError)):
        return True
    return isinstance(error, ApiError) and error.meta.status >= 500


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url, prefix):
        # Several comma-separated URLs: the client spreads requests over them and retries a dead node's on another.
        self.client = Elasticsearch(
            [node.strip() for node in url.split(",") if node.strip()], request_timeout=float(setting("SEARCH_ELASTICSEARCH_TIMEOUT", 5)), max_retries=1,
            retry_on_timeout=False,
        )
        self.alias = f"{prefix}-datasets"
        self.database = DatabaseBackend()

    # --- indices and the alias ---

    def _index_pattern(self):
        return f"{self.alias}-v*"

    def _replicas(self):
        return int(setting("SEARCH_ELASTICSEARCH_REPLICAS", 0))

    def apply_replicas(self):
        """Give the current index SEARCH_ELASTICSEARCH_REPLICAS replicas now (a live change, unlike shards)."""
        self._ensure_alias()
        self.client.indices.put_settings(index=self.alias, settings={"index": {"number_of_replicas": self._replicas()}})
        return self._replicas()

    def _create_index(self, loading=False):
        """A new versioned index; `loading` sets it up for a bulk load (no refreshes, no replicas)."""
        name = f"{self.alias}-v{timezone.now():%Y%m%d%H%M%S%f}"
        index = Index(name, using=self.client)
        index.settings(number_of_shards=int(setting("SEARCH_ELASTICSEARCH_SHARDS", 1)),
                       number_of_replicas=0 if loading else self._replicas(),
                       max_result_window=MAX_WALK_WINDOW,
                       **({"refresh_interval": "-1"} if loading else {}))
        index.mapping(build_mapping())
        index.create()
        return name

    def _versioned_indices(self):
        return sorted(self.client.indices.get(index=self._index_pattern(), expand_wildcards="open"))

    def _alias_targets(self):
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _ensure_alias(self):
        if not self.client.indices.exists_alias(name=self.alias):
            self.client.indices.put_alias(index=self._create_index(), name=self.alias)

    # --- writing ---

    def _write(self, documents, removed=()):
        """Index and delete through the alias; raises when Elasticsearch is unavailable."""
        self._ensure_alias()
        actions = [{"_index": self.alias, "_id": document["id"], "_source": source_of(document)}
                   for document in documents]
        actions += [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in removed]
        if not actions:
            return
        _ok, errors = helpers.bulk(self.client, actions, refresh=True, raise_on_error=False)
        real = [error for error in errors if error.get("delete", {}).get("status") != 404]
        if real:
            raise RuntimeError(f"Elasticsearch bulk errors: {real[:3]}")

    def _record_pending(self, dataset_ids, error):
        log.warning("Elasticsearch unavailable (%s); %d dataset(s) queued for replay", error, len(dataset_ids))
        now = timezone.now()
        for pk in dataset_ids:
            PendingIndexUpdate.objects.update_or_create(dataset_id=pk, defaults={"created": now})

    def _write_or_record(self, ids, documents, removed=()):
        """True when written; False when recorded for replay."""
        try:
            self._write(documents, removed)
        except Exception as error:
            if not _unavailable(error):
                raise
            self._record_pending(ids, error)
            return False
        return True

    def index_datasets(self, dataset_ids):
        ids = set(dataset_ids)
        upto = withdrawals.mark()
        documents = documents_for(ids)
        self.database.write_entries(ids, documents)
        if self._write_or_record(ids, documents, removed=ids - {document["id"] for document in documents}):
            withdrawals.confirm(self.name, upto, ids)

    def bulk_index(self, documents):
        documents = list(documents)
        self.database.bulk_index(documents)
        self._write_or_record([document["id"] for document in documents], documents)

    def remove(self, dataset_id):
        self.database.remove(dataset_id)
        self._write_or_record([dataset_id], [], removed=[dataset_id])

    def replay_pending(self):
        """Send the updates recorded during an outage; returns their ids (raises if still unavailable)."""
        upto = withdrawals.mark()
        pending = list(PendingIndexUpdate.objects.values_list("dataset_id", "created"))
        if not pending:
            return []
        ids = {pk for pk, _created in pending}
        documents = documents_for(ids)
        self._write(documents, removed=ids - {document["id"] for document in documents})
        # Rows re-recorded after we read them stay for the next replay.
        PendingIndexUpdate.objects.filter(dataset_id__in=ids, created__lte=max(c for _pk, c in pending)).delete()
        withdrawals.confirm(self.name, upto, ids)
        return sorted(ids)

    def reconcile(self):
        repaired = set(self.database.reconcile())
        repaired |= set(self.replay_pending())
        repaired |= set(super().reconcile())
        return sorted(repaired)

    def rebuild(self, progress=None):
        """A new index loaded from the database, then the alias swapped to it.

        The database fallback is brought up to date (reconciled), not rebuilt: every
        write reaches it first, so it only needs what it missed; `rebuild_search_index
        --backend database` rebuilds it whole, as this does when its entries were written
        by another version of the text analysis (search.documents.ANALYSIS_VERSION).
        """
        started = timezone.now()
        if self.database.analysis_is_current():
            self.database.reconcile()
        else:
            self.database.rebuild()
        name = self._create_index(loading=True)
        total, done = searchable_datasets().count(), 0
        actions = ({"_index": name, "_id": document["id"], "_source": source_of(document)}
                   for document in iter_documents())
        # Threads send chunks while this one builds the next documents from the database.
        for _result in helpers.parallel_bulk(self.client, actions, thread_count=BULK_THREADS,
                                              chunk_size=BULK_CHUNK, raise_on_error=True):
            done += 1
            if progress and (done % 1000 == 0 or done == total):
                progress(done, total)
        if progress:
            progress(total, total)
        self.client.indices.put_settings(index=name, settings={
            "index": {"refresh_interval": None, "number_of_replicas": self._replicas()}})
        self.client.indices.refresh(index=name)
        old = [index for index in self._versioned_indices() if index != name]
        self.client.indices.update_aliases(actions=[
            *({"remove": {"index": index, "alias": self.alias}} for index in self._alias_targets()),
            {"add": {"index": name, "alias": self.alias}},
        ])
        if old:
            self.client.indices.delete(index=",".join(old), ignore_unavailable=True)
        # Changes that reached the old index while this one was loading.
        super().reconcile()
        log.info("search index %s built in %s", name, timezone.now() - started)
        return total

    def reset(self):
        self.database.reset()
        PendingIndexUpdate.objects.all().delete()
        indices = self._versioned_indices()  # deleting by wildcard is refused by default
        if indices:
            self.client.indices.delete(index=",".join(indices), ignore_unavailable=True)
        self._ensure_alias()

    def indexed_versions(self):
        self._ensure_alias()
        return {
            int(hit["_id"]): datetime.datetime.fromisoformat(hit["_source"]["modified"])
            for hit in helpers.scan(self.client, index=self.alias, query={"_source": ["modified"]})
        }

    def health(self):
        """Yellow (a replica unassigned: every document still searchable) is healthy; red is not."""
        health = self.client.cluster.health()
        if health["status"] == "red":
            raise RuntimeError(f"Elasticsearch cluster {health['cluster_name']} is red "
                               f"({health['number_of_nodes']} node(s), {health['unassigned_shards']} shard(s) unassigned)")
        targets = self._alias_targets()
        pending = PendingIndexUpdate.objects.count()
        return {"description": f"elasticsearch {health['status']}, {self.alias} -> {','.join(targets) or 'none'}, "
                               f"{pending} pending",
                "status": health["status"], "number_of_nodes": health["number_of_nodes"],
                "unassigned_shards": health["unassigned_shards"]}

    def ping(self):
        return self.health()["description"]

    # --- reading ---

    def _fallback(self, method, *args):
        """Run a read on Elasticsearch, or on the database when Elasticsearch cannot answer."""
        try:
            return getattr(self, f"_es_{method}")(*args), False
        except Exception as error:
            if not _unavailable(error):
                raise
            log.warning("Elasticsearch unavailable (%s); answering %s from the database", error, method)
            return getattr(self.database, method)(*args), True

    def run(self, query):
        results, degraded = self._fallback("run", query)
        results.degraded = degraded
        return results

    def suggest(self, text, viewer, limit=5):
        return self._fallback("suggest", text, viewer, limit)[0]

    def related(self, dataset, viewer, limit=5):
        return self._fallback("related", dataset, viewer, limit)[0]

    def _search_object(self, viewer):
        return Search(using=self.client, index=self.alias).filter(Q("bool", filter=visibility_filter(viewer)))

    def _es_run(self, query):
        search = self._search_object(query.viewer).query(text_query(query.parsed)).extra(track_total_hits=True)
        base = base_filters(query)
        search = search.filter(Q("bool", filter=base)) if base else search
        selected = facet_filters(query.facet_filters())
        if selected:
            search = search.post_filter(Q("bool", filter=selected))
        search = search.sort(*SORTS[query.effective_sort])[query.offset:query.offset + query.size]
        # Aggregations last: they are added in place, while every call above copies the whole search.
        for facet in query.counted_facets:
            others = facet_filters(query.facet_filters(exclude=facet))
            bucket = search.aggs.bucket(facet, A("filter", Q("bool", filter=others)))
            bucket.bucket("values", facet_aggregation(facet))
        response = self._execute(search)
        counts = {
            facet: sorted_counts((bucket["key"], bucket["doc_count"])
                                 for bucket in response["aggregations"][facet]["values"]["buckets"])
            for facet in query.counted_facets
        }
        return SearchResults(total=response["hits"]["total"]["value"],
                             hits=[hit_from(raw, query.parsed) for raw in response["hits"]["hits"]], facets=labelled_facets(counts),
                             page=query.page, page_size=query.page_size)

    def _execute(self, search):
        """The raw response body: wrapping every hit and bucket in DSL objects cost more than the request."""
        return self.client.search(index=self.alias, body={**search.to_dict(), "_source": ["summary"]}).body

    def _es_suggest(self, text, viewer, limit):
        tokens = tokenize(text or "")
        if not tokens:
            return []
        titles = (self._search_object(viewer).query(Q("match_phrase_prefix", title=" ".join(tokens)))
                  .sort({"download_count": "desc"}, {"title_sort": "asc"}, {"id": "asc"})
                  .source(["identifier", "title_sort"])[:limit])
        datasets = [Suggestion("dataset", hit.identifier, hit.title_sort) for hit in titles.execute()]
        keywords = self._search_object(viewer).filter(
            Q("prefix", keywords={"value": text.strip(), "case_insensitive": True})
        ).extra(size=0)
        keywords.aggs.bucket("keywords", "terms", field="keywords", size=500)
        buckets = keywords.execute().aggregations["keywords"].buckets
        return (datasets + keyword_suggestions([(b.key, b.doc_count) for b in buckets], text, limit)
                + organization_suggestions(text, limit))

    def _es_related(self, dataset, viewer, limit):
        document = build_document(dataset)
        should = [Q("constant_score", filter=Q("term", keywords=value), boost=2.0) for value in document["keywords"]]
        should += [Q("constant_score", filter=Q("term", themes=value), boost=1.0) for value in document["themes"]]
        if not should:
            return []
        search = self._search_object(viewer).query(
            Q("bool", should=should, minimum_should_match=1, must_not=[Q("ids", values=[str(dataset.pk)])])
        ).sort("_score", {"download_count": "desc"}, {"id": "desc"})[:limit]
        return [hit_from(raw) for raw in self._execute(search)["hits"]["hits"]]
