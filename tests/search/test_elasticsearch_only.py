"""What only Elasticsearch does (alias swaps, the fallback kept current) and how it fails over.

The outage is simulated by pointing the backend at a closed port, because the
shared Elasticsearch serves other test runs. CI, which owns its server, should
instead stop it (`scripts/services.sh stop-es`) and start it again.
"""
import pytest
from django.core.management import call_command

from datasets.grading import Viewer
from datasets.services.lifecycle import delete_dataset, update_dataset
from search.backends import SearchQuery, get_search_backend
from search.documents import ANALYSIS_VERSION
from search.models import IndexedAnalysis, SearchEntry
from search.tasks import replay_pending_updates

pytestmark = pytest.mark.django_db
CLOSED_PORT = "http://127.0.0.1:9"


def ids(results, corpus):
    by_pk = {dataset.pk: identifier for identifier, dataset in corpus.items()}
    return {by_pk[pk] for pk in results.dataset_ids}


def test_rebuild_swaps_the_alias_and_searches_keep_working(es_backend, corpus):
    before = es_backend._alias_targets()
    seen_during_rebuild = []

    def progress(done, total):
        seen_during_rebuild.append(es_backend.search(SearchQuery(text="公交")).total)

    es_backend.rebuild(progress=progress)
    after = es_backend._alias_targets()
    assert len(before) == len(after) == 1 and before != after
    assert es_backend._versioned_indices() == after  # the old index is gone
    assert seen_during_rebuild and set(seen_during_rebuild) == {2}
    assert es_backend.search(SearchQuery(text="公交")).total == 2


def test_rebuild_brings_the_database_fallback_up_to_date(es_backend, corpus):
    fallback = get_search_backend("database")
    fallback.remove(corpus["bus-routes"].pk)  # a write the fallback missed
    call_command("rebuild_search_index", "--no-progress")
    assert ids(fallback.search(SearchQuery(text="公交")), corpus) == {"bus-routes", "parking-lots"}


def test_outage_degrades_to_the_database_and_replays_updates(
    es_backend, corpus, publisher, settings, django_capture_on_commit_callbacks
):
    real_url, settings.ELASTICSEARCH_URL = settings.ELASTICSEARCH_URL, CLOSED_PORT
    down = get_search_backend()
    with django_capture_on_commit_callbacks(execute=True):
        update_dataset(user=publisher, dataset=corpus["metro-ridership"],
                       data={"title": "轨道交通客流 Rail ridership"})
    with pytest.raises(Exception):
        down.ping()
    during = down.search(SearchQuery(text="轨道交通"))
    assert during.degraded and ids(during, corpus) == {"metro-ridership"}
    assert [s.value for s in down.suggest("轨道", Viewer(None)) if s.kind == "dataset"] == ["metro-ridership"]
    assert replay_pending_updates.delay().get() == []  # still down: kept for later

    settings.ELASTICSEARCH_URL = real_url
    up = get_search_backend()
    assert up is es_backend
    assert up.search(SearchQuery(text="轨道交通")).total == 0  # the update has not reached it yet
    assert replay_pending_updates.delay().get() == [corpus["metro-ridership"].pk]
    after = up.search(SearchQuery(text="轨道交通"))
    assert not after.degraded and ids(after, corpus) == {"metro-ridership"}
    assert "0 pending" in up.ping()


def test_reconcile_repairs_missed_and_stale_entries(es_backend, corpus, publisher, settings):
    real_url, settings.ELASTICSEARCH_URL = settings.ELASTICSEARCH_URL, CLOSED_PORT
    get_search_backend().remove(corpus["bus-routes"].pk)  # an outage: recorded as pending
    settings.ELASTICSEARCH_URL = real_url
    # Changes made without any signal reaching search (e.g. a lost task).
    update_dataset(user=publisher, dataset=corpus["parking-lots"], data={"title": "泊位 Parking bays"})
    delete_dataset(user=publisher, dataset=corpus["metro-ridership"])
    call_command("reconcile_search_index")
    for backend in (es_backend, get_search_backend("database")):
        assert backend.search(SearchQuery(text="泊位")).total == 1
        assert {hit for hit in backend.search(SearchQuery()).dataset_ids} == {
            corpus["bus-routes"].pk, corpus["parking-lots"].pk, corpus["air-quality"].pk}
    assert es_backend.search(SearchQuery(text="公交")).total == 2


def test_a_rebuild_rebuilds_the_fallback_written_by_another_analysis(es_backend, make_dataset):
    """After an analysis change (ANALYSIS_VERSION), `rebuild_search_index` alone brings both indexes up to date."""
    dataset = make_dataset("taipei", title="臺北市公車路線", with_file=False)
    es_backend.rebuild()
    SearchEntry.objects.filter(pk=dataset.pk).update(title_tokens="stale", title_stems="stale")
    IndexedAnalysis.objects.filter(backend="database").update(version=ANALYSIS_VERSION - 1)
    call_command("rebuild_search_index", "--no-progress")
    assert SearchEntry.objects.get(pk=dataset.pk).title_tokens == "台 北 市 公 车 路 线"
    assert IndexedAnalysis.objects.get(backend="database").version == ANALYSIS_VERSION
