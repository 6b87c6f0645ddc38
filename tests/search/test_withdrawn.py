"""A change that withdraws a dataset from view reaches every search answer at once, with no worker indexing.

The re-index tasks are queued to a real broker on a queue no worker consumes
(the worker is down); then a real worker starts, catches up, and the answers
stay the same for what it confirmed.
"""
import pytest

from celery_support import real_workers, wait_for
from datasets.models import Dataset
from datasets.services.lifecycle import archive_dataset, delete_dataset, update_dataset
from datasets.signals import dataset_changed
from search.models import WithdrawnDataset
from search.tasks import index_datasets

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEARCH = "/api/v1/search/"


def answers(api):
    """What an anonymous visitor is told: totals, facet counts, hits, suggestions and the page's count line."""
    body = api.get(SEARCH, {"page_size": 100}).json()
    words = api.get(SEARCH, {"q": "公交", "page_size": 100}).json()
    suggested = {(item["kind"], item["value"]) for text in ("公交", "地铁", "停车", "空气", "Bus", "PM2.5")
                 for item in api.get(SEARCH + "suggest/", {"q": text}).json()["results"]
                 if item["kind"] != "organization"}
    page = api.get("/en/search/").content.decode()
    return {
        "count": body["count"],
        "hits": sorted(item["identifier"] for item in body["results"]),
        "facets": {name: {row["value"]: row["count"] for row in rows} for name, rows in body["facets"].items()},
        "text_count": words["count"],
        "text_hits": sorted(item["identifier"] for item in words["results"]),
        "suggested": suggested,
        "page_line": [line.split(">", 1)[1].split("<", 1)[0] for line in page.splitlines() if "results-count" in line],
    }


def test_withdrawals_reach_every_answer_while_no_worker_indexes(
    backend, corpus, publisher, other_publisher, transport_bureau, api, monkeypatch
):
    before = answers(api)
    assert before["count"] == 4 and ("dataset", "bus-routes") in before["suggested"]
    assert ("keyword", "公交") in before["suggested"]

    with real_workers(monkeypatch, index_datasets, extra_env={"SEARCH_BACKEND": backend.name}) as pool:
        # No worker consumes the queue: every re-index below waits in the broker.
        update_dataset(user=publisher, dataset=corpus["bus-routes"], data={"open_grade": "restricted"})
        archive_dataset(user=publisher, dataset=corpus["metro-ridership"])
        delete_dataset(user=publisher, dataset=corpus["parking-lots"])
        # No service moves a dataset yet; the catalog announces a move as it announces any change.
        air = corpus["air-quality"]
        Dataset.objects.filter(pk=air.pk).update(organization=transport_bureau)
        dataset_changed.send(sender=Dataset, dataset_ids=[air.pk])

        during = answers(api)
        assert during["count"] == during["text_count"] == 0
        assert during["hits"] == during["text_hits"] == []
        assert all(counts == {} for counts in during["facets"].values()), during["facets"]
        assert during["suggested"] == set()
        assert during["page_line"] == ["Found 0 datasets"]

        worker = pool.start()
        assert wait_for(lambda: not WithdrawnDataset.objects.exists(), worker), "the worker did not catch up"

    after = answers(api)
    assert (after["count"], after["hits"]) == (1, ["air-quality"])  # moved, still open: listed again
    assert after["facets"]["organization"] == {"transport-bureau": 1}
    assert after["text_count"] == 0 and ("dataset", "bus-routes") not in after["suggested"]
    assert ("keyword", "公交") not in after["suggested"]
    assert after["page_line"] == ["Found 1 dataset"]
