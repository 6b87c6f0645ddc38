"""Query parameters the API cannot honour are a 400 naming them: datetimes the database
cannot hold (core.datetimes), empty typed values and repeated single values (core.query_params)."""
import pytest

from datastore_support import add_table

pytestmark = pytest.mark.django_db

LIST = "/api/v1/datasets/"
SEARCH = "/api/v1/search/"

UNSTORABLE_DATETIMES = [
    "0286-08-27T10:11:14+20:06",  # offset beyond ±15:59
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00+08:00",  # year 0 in UTC
    "0001-01-01T00:00:00",  # the portal's time zone is east of UTC: year 0 again
    "9999-12-31T23:59:59-10:00",  # year 10000 in UTC
    "2024-06-01T00:00:00-16:00",
]


def refused(response, name):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert name in error["fields"], error
    return error


@pytest.mark.parametrize("name", ["modified_after", "modified_before"])
@pytest.mark.parametrize("value", UNSTORABLE_DATETIMES)
def test_dataset_list_refuses_datetimes_the_database_cannot_hold(api, graded_datasets, name, value):
    refused(api.get(LIST, {name: value}), name)


def test_dataset_list_still_takes_the_extremes_it_can_hold(api, graded_datasets):
    listed = api.get(LIST).json()["count"]
    everything = api.get(LIST, {"modified_after": "0001-01-01T00:00:00Z", "modified_before": "9999-12-31T23:59:59+15:59"})
    assert everything.status_code == 200, everything.content
    assert everything.json()["count"] == listed > 0


@pytest.mark.parametrize("name", ["modified_from", "modified_to", "published_from", "published_to",
                                  "temporal_start", "temporal_end"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_search_refuses_days_the_database_cannot_bound(api, graded_datasets, name, value):
    refused(api.get(SEARCH, {name: value}), name)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_audit_log_refuses_days_beyond_the_database(api_as, staff, value):
    refused(api_as(staff).get("/api/v1/access/audit/", {"since": value}), "since")


def test_key_expiry_beyond_what_the_database_holds_is_refused(api_as, citizen):
    body = {"name": "k", "scopes": ["catalog:read"], "expires_at": "2030-01-01T00:00:00+20:06"}
    refused(api_as(citizen).post("/api/v1/keys/", body, format="json"), "expires_at")


@pytest.mark.parametrize("query, name", [
    ("open_grade=", "open_grade"),
    ("modified_after=", "modified_after"),
    ("licence=", "licence"),
    ("ordering=", "ordering"),
    ("page=", "page"),
    ("page_size=", "page_size"),
    ("open_grade=open&open_grade=conditional", "open_grade"),
    ("organization=transport-bureau&organization=transport-bureau", "organization"),
    ("page=1&page=2", "page"),
    ("page_size=5&page_size=10", "page_size"),
    ("q=a&q=b", "q"),
])
def test_dataset_list_refuses_empty_typed_and_repeated_parameters(api, graded_datasets, query, name):
    refused(api.get(f"{LIST}?{query}"), name)


def test_empty_free_text_is_still_an_empty_search(api, graded_datasets):
    assert api.get(f"{LIST}?q=&keyword=").json()["count"] == api.get(LIST).json()["count"] > 0


@pytest.mark.parametrize("query, name", [
    ("sort=", "sort"),
    ("open_grade=", "open_grade"),
    ("modified_from=", "modified_from"),
    ("page=", "page"),
    ("bbox=", "bbox"),
    ("sort=title&sort=newest", "sort"),
    ("q=a&q=b", "q"),
    ("page=1&page=2", "page"),
])
def test_search_refuses_empty_typed_and_repeated_parameters(api, graded_datasets, query, name):
    refused(api.get(f"{SEARCH}?{query}"), name)


def test_search_lists_may_repeat(api, graded_datasets):
    response = api.get(f"{SEARCH}?open_grade=open&open_grade=conditional&q=")
    assert response.status_code == 200, response.content


def test_other_lists_refuse_repeated_pages(api):
    refused(api.get("/api/v1/organizations/?page=1&page=1"), "page")


@pytest.fixture
def timed_table(django_capture_on_commit_callbacks, publisher, make_dataset):
    dataset = make_dataset("timed-readings", with_file=False)
    rows = "站点,时间\n甲,2024-06-01T10:00:00+08:00\n乙,2024-06-02T10:00:00+08:00\n".encode()
    return add_table(django_capture_on_commit_callbacks, publisher, dataset, name="readings.csv", content=rows)


@pytest.mark.parametrize("value", ["2024-06-01T10:00:00+20:06", "0001-01-01T00:00:00+10:00"])
def test_datastore_filters_refuse_datetimes_the_database_cannot_hold(api, timed_table, value):
    rows = f"/api/v1/resources/{timed_table.pk}/rows/"
    assert api.get(rows, {"filter[时间][gt]": "2024-06-01T12:00:00+08:00"}).status_code == 200
    refused(api.get(rows, {"filter[时间][gt]": value}), "filter[时间][gt]")
