"""The metadata quality score from outside: the card through the API and the dataset page, the stored score in
lists and search, and the organization average the public sees."""
import pytest

from datasets.models import Dataset
from quality.metadata_score import CRITERIA

pytestmark = pytest.mark.django_db

DATASETS = "/api/v1/datasets/"


def failing(card):
    return {row["code"] for row in card["criteria"] if not row["passed"]}


def test_a_sparse_dataset_scores_low_and_each_fix_raises_the_stored_and_searched_score(
        api, api_as, publisher, citizen, django_capture_on_commit_callbacks, client):
    as_publisher = api_as(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        assert as_publisher.post(DATASETS, {"organization": "transport-bureau", "identifier": "bus-stops",
                                            "title": "公交站点位置"}, format="json").status_code == 201
        as_publisher.post(f"{DATASETS}bus-stops/publish/")
    card = as_publisher.get(f"{DATASETS}bus-stops/quality/").json()
    assert sum(row["weight"] for row in card["criteria"]) == 100
    assert card["score"] == 5 and card["needs_attention"] and card["low_score"] == 60  # the title alone
    assert failing(card) == {criterion.code for criterion in CRITERIA} - {"title"}
    assert all(row["how_to_fix"] for row in card["criteria"] if not row["passed"])
    assert api.get(f"{DATASETS}bus-stops/").json()["metadata_score"] == 5

    with django_capture_on_commit_callbacks(execute=True):
        assert as_publisher.patch(f"{DATASETS}bus-stops/", {"licence": "cc-by-4.0", "contact_email": "a@b.cn"},
                                  format="json").status_code == 200
    card = as_publisher.get(f"{DATASETS}bus-stops/quality/").json()
    assert card["score"] == 20 and not {"licence", "contact"} & failing(card)
    assert api.get(f"{DATASETS}bus-stops/").json()["metadata_score"] == 20
    found = api.get("/api/v1/search/", {"q": "公交站点位置"}).json()
    assert [(hit["identifier"], hit["metadata_score"]) for hit in found["results"]] == [("bus-stops", 20)]
    assert [(row["value"], row["count"]) for row in found["facets"]["quality"]] == [("0-39", 1)]
    assert api.get("/api/v1/search/", {"quality": "60-100", "q": "公交站点位置"}).json()["count"] == 0
    assert api.get("/api/v1/search/", {"quality": "100-0"}).json()["error"]["fields"].keys() == {"quality"}

    # The card is for the publishers and staff; everyone else sees the badge.
    assert api_as(citizen).get(f"{DATASETS}bus-stops/quality/").status_code == 403
    client.force_login(publisher)
    page = client.get("/datasets/bus-stops/").content.decode()
    assert 'data-criterion="description"' in page and "描述至少 50 个字" in page
    assert "How to fix" in client.get("/en/datasets/bus-stops/").content.decode()
    client.logout()
    page = client.get("/datasets/bus-stops/").content.decode()
    assert "元数据 20 分" in page and "data-criterion" not in page
    assert "Metadata 20" in client.get("/en/datasets/bus-stops/").content.decode()


def test_the_public_average_leaves_out_restricted_datasets_and_drafts(api, api_as, publisher, make_dataset,
                                                                        make_org, client):
    made = {"good": (make_dataset("good-one"), 80), "poor": (make_dataset("poor-one"), 30),
            "restricted": (make_dataset("hidden-one", open_grade="restricted"), 20),
            "draft": (make_dataset("draft-one", state=Dataset.State.DRAFT), 0)}
    for dataset, score in made.values():
        Dataset.objects.filter(pk=dataset.pk).update(metadata_score=score)
    url = "/api/v1/organizations/transport-bureau/"
    assert api.get(url).json()["average_metadata_score"] == 55.0
    assert api_as(publisher).get(url).json()["average_metadata_score"] == 43.3  # restricted counted, drafts never
    assert "55.0" in client.get("/organizations/transport-bureau/").content.decode()
    make_org("empty-bureau")
    assert api.get("/api/v1/organizations/empty-bureau/").json()["average_metadata_score"] is None
    assert "暂无数据" in client.get("/organizations/empty-bureau/").content.decode()

    # The catalog list filters and sorts by the same score, as the search page does.
    page = client.get("/datasets/", {"quality": "80-100"}).content.decode()
    assert "good-one" in page and "poor-one" not in page
    page = client.get("/datasets/", {"sort": "quality"}).content.decode()
    assert page.index("good-one") < page.index("poor-one")
    assert [item["identifier"] for item in api.get(DATASETS, {"quality": "0-39"}).json()["results"]] == ["poor-one"]
    assert api.get(DATASETS, {"quality": "x"}).json()["error"]["fields"].keys() == {"quality"}
