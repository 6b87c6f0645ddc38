"""Catalog API v1, read side: vocabularies, organizations, the dataset list and detail."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from api_support import upload
from datasets.catalog_counts import catalog_changed
from datasets.models import Dataset
from datasets.services.lifecycle import update_dataset
from datasets.services.resources import add_url_resource, replace_resource_file

pytestmark = pytest.mark.django_db

LIST = "/api/v1/datasets/"


def identifiers(response):
    assert response.status_code == 200, response.content
    return [item["identifier"] for item in response.json()["results"]]


def assert_bad_parameter(response, name):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400
    assert name in error["fields"]


# --- vocabularies and organizations ---------------------------------------------

def test_licences_are_listed(api):
    body = api.get("/api/v1/licences/").json()
    by_code = {licence["code"]: licence for licence in body}
    assert by_code["cc-by-4.0"]["title_en"] == "Creative Commons Attribution 4.0"
    assert by_code["cc-by-4.0"]["is_open"] is True


def test_themes_are_a_two_level_tree_with_counts_including_sub_themes(api, make_dataset):
    make_dataset("bus-stops", themes=["transport-public"])
    make_dataset("car-parks", themes=["transport-parking", "transport"])
    make_dataset("road-works", themes=["transport-road"], state=Dataset.State.DRAFT)
    body = api.get("/api/v1/themes/").json()
    top = {theme["code"]: theme for theme in body}
    assert "transport-public" not in top
    transport = top["transport"]
    children = {child["code"]: child for child in transport["children"]}
    assert set(children) == {"transport-public", "transport-road", "transport-parking"}
    # The parent counts each dataset of its own or of a sub-theme once, as ?theme=transport lists them.
    assert transport["dataset_count"] == 2
    assert children["transport-public"]["dataset_count"] == 1
    assert children["transport-road"]["dataset_count"] == 0
    assert top["environment"]["dataset_count"] == 0
    assert api.get(LIST, {"theme": "transport"}).json()["count"] == 2


def test_organization_list_and_detail(api, make_dataset, eco_bureau):
    make_dataset("bus-routes")
    body = api.get("/api/v1/organizations/").json()
    counts = {org["slug"]: org["dataset_count"] for org in body["results"]}
    assert counts == {"eco-bureau": 0, "transport-bureau": 1}
    detail = api.get("/api/v1/organizations/transport-bureau/").json()
    assert detail["name"] == detail["name_zh"] == "市交通委员会"
    assert detail["name_en"] == "Municipal Transport Commission"
    assert detail["dataset_count"] == 1


def test_unknown_organization_is_a_json_404(api):
    response = api.get("/api/v1/organizations/no-such-org/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


# --- the dataset list: filters --------------------------------------------------

@pytest.fixture
def catalog(make_dataset, publisher, other_publisher, eco_bureau):
    """Four published datasets differing in every filterable fact."""
    air = make_dataset(
        "air-quality", title="Air quality 空气质量", description="PM2.5 hourly readings",
        user=other_publisher, organization=eco_bureau, themes=["environment-air"], keywords=["空气", "PM2.5"],
        licence="cc0-1.0",
    )
    bus = make_dataset("bus-routes", title="Bus routes 公交线路", themes=["transport-public"],
                       keywords=["公交"], open_grade="conditional")
    roads = make_dataset("road-network", title="Road network 道路网络", themes=["transport"],
                         keywords=["道路", "公交"], with_file=False)
    links = make_dataset("parking-api", title="Parking 停车", themes=["transport-parking"], with_file=False)
    add_url_resource(user=publisher, dataset=links,
                     data={"url": "https://example.org/parking.json"}, claimed_format="json")
    return {"air": air, "bus": bus, "roads": roads, "links": links}


@pytest.mark.parametrize("params, expected", [
    ({"organization": "eco-bureau"}, {"air-quality"}),
    ({"organization": "transport-bureau"}, {"bus-routes", "road-network", "parking-api"}),
    ({"theme": "transport"}, {"bus-routes", "road-network", "parking-api"}),
    ({"theme": "transport-public"}, {"bus-routes"}),
    ({"theme": "environment"}, {"air-quality"}),
    ({"keyword": "公交"}, {"bus-routes", "road-network"}),
    ({"keyword": "PM2.5"}, {"air-quality"}),
    ({"keyword": "没有"}, set()),
    ({"format": "csv"}, {"air-quality", "bus-routes"}),
    ({"format": "CSV"}, {"air-quality", "bus-routes"}),
    ({"format": "json"}, {"parking-api"}),
    ({"format": "xlsx"}, set()),
    ({"open_grade": "conditional"}, {"bus-routes"}),
    ({"open_grade": "open"}, {"air-quality", "road-network", "parking-api"}),
    ({"licence": "cc0-1.0"}, {"air-quality"}),
    ({"licence": "cc-by-4.0"}, {"bus-routes", "road-network", "parking-api"}),
    ({"q": "air"}, {"air-quality"}),
    ({"q": "hourly"}, {"air-quality"}),
    ({"q": "公交"}, {"bus-routes"}),
    ({"theme": "transport", "keyword": "公交", "format": "csv"}, {"bus-routes"}),
])
def test_list_filters(api, catalog, params, expected):
    assert set(identifiers(api.get(LIST, params))) == expected


@pytest.mark.parametrize("name, value", [
    ("organization", "no-such-org"),
    ("theme", "no-such-theme"),
    ("open_grade", "secret"),
    ("licence", "gpl"),
    ("state", "deleted"),
    ("modified_after", "yesterday"),
    ("modified_before", "2024-13-45"),
    ("ordering", "identifier"),
])
def test_unknown_filter_values_are_refused_naming_the_parameter(api, catalog, name, value):
    assert_bad_parameter(api.get(LIST, {name: value}), name)


def test_modified_filters_take_dates_and_datetimes(api, catalog):
    # Dates compare in the portal's time zone, datetimes as given.
    Dataset.objects.filter(identifier="air-quality").update(modified=timezone.make_aware(datetime.datetime(2023, 6, 1, 12)))
    Dataset.objects.filter(identifier="bus-routes").update(modified=timezone.make_aware(datetime.datetime(2024, 6, 1, 12)))
    everything_else = {"road-network", "parking-api"}
    assert set(identifiers(api.get(LIST, {"modified_before": "2024-01-01"}))) == {"air-quality"}
    assert set(identifiers(api.get(LIST, {"modified_after": "2024-01-01"}))) == {"bus-routes"} | everything_else
    window = {"modified_after": "2024-06-01T11:00:00+08:00", "modified_before": "2024-06-01T13:00:00+08:00"}
    assert identifiers(api.get(LIST, window)) == ["bus-routes"]
    assert identifiers(api.get(LIST, {"modified_after": "2024-06-01T04:00:01Z",
                                      "modified_before": "2025-01-01"})) == []


@pytest.mark.parametrize("ordering", ["title", "-title", "modified", "-modified", "published_at", "-published_at",
                                      "download_count", "-download_count"])
def test_ordering(api, catalog, ordering):
    for downloads, dataset in enumerate(catalog.values()):
        Dataset.objects.filter(pk=dataset.pk).update(download_count=downloads * 10)
    field = ordering.lstrip("-")
    rows = sorted(Dataset.objects.filter(state=Dataset.State.PUBLISHED), key=lambda d: getattr(d, field),
                  reverse=ordering.startswith("-"))
    assert identifiers(api.get(LIST, {"ordering": ordering})) == [d.identifier for d in rows]


def test_default_order_is_most_recently_modified_first(api, catalog):
    rows = Dataset.objects.filter(state=Dataset.State.PUBLISHED).order_by("-modified")
    assert identifiers(api.get(LIST)) == [d.identifier for d in rows]


# --- the dataset list: pagination and queries -----------------------------------

@pytest.fixture
def many_datasets(make_dataset):
    def make(count):
        return [make_dataset(f"series-{n:03d}", with_file=n % 2 == 0, themes=["transport", "transport-road"])
                for n in range(count)]
    return make


def test_page_size_is_capped(api, many_datasets, settings):
    many_datasets(settings.API_MAX_PAGE_SIZE + 2)
    body = api.get(LIST, {"page_size": settings.API_MAX_PAGE_SIZE + 50}).json()
    assert body["count"] == settings.API_MAX_PAGE_SIZE + 2
    assert len(body["results"]) == settings.API_MAX_PAGE_SIZE
    second = api.get(LIST, {"page_size": settings.API_MAX_PAGE_SIZE + 50, "page": 2}).json()
    assert len(second["results"]) == 2
    assert not {d["identifier"] for d in body["results"]} & {d["identifier"] for d in second["results"]}


def test_page_size_and_pages(api, many_datasets):
    many_datasets(5)
    first = api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = api.get(LIST, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None


def test_page_beyond_the_end_is_a_json_404(api, many_datasets):
    many_datasets(3)
    response = api.get(LIST, {"page_size": 2, "page": 3})
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_list_query_count_does_not_grow_with_page_size(api, publisher, many_datasets):
    many_datasets(55)
    # Token auth, so each request loads the caller afresh as in production.
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=publisher).key}")
    client = api

    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(LIST, {"page_size": size, "theme": "transport"}).json()["results"]) == size
        return len(captured)

    # Counted afresh after a change to the catalog, then from the cache (datasets.catalog_counts): the
    # same number either way for both sizes.
    cold = {}
    for size in (5, 50):
        catalog_changed()
        cold[size] = queries(size)
    assert cold[5] == cold[50]
    assert queries(5) == queries(50) < cold[5]


# --- the dataset detail ------------------------------------------------------

def test_detail_of_identifier_with_slash_colon_and_dot(api, make_dataset, publisher):
    dataset = make_dataset("traffic/2024:q1.v2", title="路况 Traffic", keywords=["拥堵"],
                           temporal_start="2024-01-01", temporal_end="2024-03-31")
    update_dataset(user=publisher, dataset=dataset, data={"description": "季度路况"})
    response = api.get(f"{LIST}traffic/2024:q1.v2/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["identifier"] == "traffic/2024:q1.v2"
    assert body["url"] == "http://testserver/api/v1/datasets/traffic/2024:q1.v2/"
    assert body["organization"] == {"slug": "transport-bureau", "name": "市交通委员会"}
    assert body["themes"] == [{"code": "transport", "name": "交通出行"}]
    assert body["licence"]["code"] == "cc-by-4.0"
    assert body["temporal_start"] == "2024-01-01" and body["temporal_end"] == "2024-03-31"
    assert body["can_download"] is True and body["access_note"] is None
    assert body["download_zip_url"] == "http://testserver" + reverse("dataset-download-zip", args=[dataset.identifier])
    [resource] = body["resources"]
    stored = dataset.resources.get()
    assert resource["format"] == "CSV" and resource["media_type"] == "text/csv"
    assert resource["size"] == stored.size and resource["sha256"] == stored.sha256
    assert resource["version"] == 1
    assert resource["download_url"] == "http://testserver" + reverse("resource-download", args=[stored.pk])
    history = body["history"]
    assert history[0]["action"] == "updated" and history[0]["actor"] == "publisher"
    assert history[0]["changes"] == {"description": ["", "季度路况"]}
    assert {"created", "published"} <= {entry["action"] for entry in history}
    assert all(entry["time"] for entry in history)


def test_unknown_dataset_is_a_json_404(api):
    response = api.get(f"{LIST}no/such:dataset.v1/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_url_resource_links_outside(api, catalog):
    [resource] = api.get(f"{LIST}parking-api/").json()["resources"]
    assert resource["kind"] == "url"
    assert resource["download_url"] == "https://example.org/parking.json"
    assert resource["format"] == "JSON" and resource["version"] is None


def test_resource_detail_lists_versions_with_their_download_urls(api, make_dataset, publisher):
    dataset = make_dataset("bus-routes")
    stored = dataset.resources.get()
    replace_resource_file(user=publisher, resource=stored, uploaded=upload("v2.csv", b"a,b\n1,2\n"))
    body = api.get(f"/api/v1/resources/{stored.pk}/").json()
    assert body["dataset"]["identifier"] == "bus-routes"
    assert body["version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["filename"] == "v2.csv" and body["versions"][0]["created_by"] == "publisher"
    assert body["versions"][1]["download_url"] == "http://testserver" + reverse(
        "resource-version-download", args=[stored.pk, 1])


def test_unknown_resource_is_a_json_404(api):
    for resource_id in ("999999", "not-a-number"):
        response = api.get(f"/api/v1/resources/{resource_id}/")
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404
