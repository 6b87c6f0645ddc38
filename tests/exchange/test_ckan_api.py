"""The CKAN Action API through HTTP: CKAN's envelope and error shapes, the actions, and the grade rules.

The seed catalog (tests/conftest.py) holds every grade and state; only what the caller may see is in any
answer: restricted datasets and drafts are in no list, count, facet or show, and a conditional dataset's
resource URLs lead to its landing page unless the caller's key holds a grant.
"""
import json

import pytest
from django.test import Client

from apikeys_support import issue
from datasets.models import Dataset, Theme
from search.backends import get_search_backend

pytestmark = pytest.mark.django_db

PUBLIC = {"bus-routes", "metro-ridership", "parking-lots", "air-quality", "old-routes"}
LISTED = PUBLIC - {"old-routes"}  # archived datasets are shown, not listed
HIDDEN = ("signal-control", "draft-counts", "eco-secret")


@pytest.fixture
def seed(make_seed_catalog):
    made = make_seed_catalog()
    get_search_backend().rebuild()
    return made


def call(name, client=None, method="get", **data):
    client = client or Client()
    if method == "get":
        response = client.get(f"/api/3/action/{name}", data)
    else:
        response = client.post(f"/api/action/{name}", json.dumps(data), content_type="application/json")
    return response, response.json()


def result(name, **data):
    response, body = call(name, **data)
    assert response.status_code == 200, body
    assert body["success"] is True and body["help"].endswith(f"help_show?name={name}")
    return body["result"]


def names(packages):
    """The portal identifiers of CKAN package dicts (their `identifier` extra)."""
    return {{extra["key"]: extra["value"] for extra in package["extras"]}["identifier"] for package in packages}


def test_package_list_names_listed_datasets_only(seed):
    listed = result("package_list")
    assert listed == sorted(listed)
    assert listed == sorted(seed[identifier].name for identifier in LISTED)
    assert result("package_list", limit=2, offset=1) == listed[1:3]


def test_package_show_by_id_name_and_identifier(seed):
    dataset = seed["bus-routes"]
    by_name = result("package_show", id=dataset.name)
    assert by_name == result("package_show", id=str(dataset.uid)) == result("package_show", id="bus-routes")
    assert by_name["id"] == str(dataset.uid) and by_name["type"] == "dataset" and by_name["state"] == "active"
    assert by_name["organization"]["name"] == "transport-bureau" and by_name["owner_org"] == by_name["organization"]["id"]
    assert {tag["name"] for tag in by_name["tags"]} == {"公交", "线路"}
    assert {group["name"] for group in by_name["groups"]} == {"transport", "transport-public"}
    assert by_name["license_id"] == "cc-by-4.0" and by_name["license_url"].startswith("https://creativecommons.org")
    extras = {extra["key"]: extra["value"] for extra in by_name["extras"]}
    assert extras["open_grade"] == "open" and extras["temporal_start"] == "2020-01-01"
    assert json.loads(extras["spatial"])["type"] == "Polygon"
    assert "T" in by_name["metadata_modified"] and "+" not in by_name["metadata_modified"]
    resource = by_name["resources"][0]
    assert set(resource) >= {"id", "position", "name", "description", "format", "mimetype", "size", "hash",
                             "created", "last_modified", "url", "resource_type"}
    assert resource["format"] == "CSV" and len(resource["hash"]) == 64
    assert "/download/resources/" in resource["url"]
    assert result("resource_show", id=resource["id"]) == resource


def test_single_character_keywords_stay_in_the_keywords_extra(make_dataset):
    make_dataset("water", keywords=["水", "供水"])
    package = result("package_show", id="water")
    assert [tag["name"] for tag in package["tags"]] == ["供水"]
    assert json.loads({e["key"]: e["value"] for e in package["extras"]}["keywords"]) == ["水", "供水"]


def test_a_name_is_ascii_and_unique_for_any_identifier(make_dataset):
    first, second = make_dataset("公交/站点:2024"), make_dataset("公交/站点:2025")
    assert first.name != second.name
    for dataset in (first, second):
        assert dataset.name.isascii() and 2 <= len(dataset.name) <= 100
        assert result("package_show", id=dataset.name)["name"] == dataset.name


@pytest.mark.parametrize("hidden", HIDDEN)
def test_hidden_datasets_exist_nowhere(seed, hidden):
    dataset = seed[hidden]
    for reference in (hidden, dataset.name, str(dataset.uid)):
        response, body = call("package_show", id=reference)
        assert response.status_code == 404 and body["error"]["__type"] == "Not Found Error"
    resource = dataset.resources.first()
    if resource:
        response, body = call("resource_show", id=str(resource.uid))
        assert response.status_code == 404
    assert dataset.name not in result("package_list")
    searched = result("package_search", q="公交", rows=100, **{"facet.field": '["tags","organization"]'})
    assert hidden not in names(searched["results"])
    everything = result("package_search", rows=1000, **{"facet.field": '["organization","tags","groups"]'})
    assert everything["count"] == len(LISTED)
    assert sum(result("organization_list", all_fields=True)[i]["package_count"] for i in range(2)) == len(LISTED)
    assert all(dataset.name != package["name"] for package in everything["results"])
    listed_tags = result("tag_list")
    assert "信号" not in listed_tags  # signal-control's own keyword


def test_conditional_data_urls_lead_to_the_landing_page(seed):
    package = result("package_show", id="parking-lots")
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["open_grade"] == "conditional" and "/access/apply/parking-lots" in extras["access_application_url"]
    for resource in package["resources"]:
        assert "/download/" not in resource["url"] and resource["url"].endswith("/datasets/parking-lots/")


def test_a_granted_key_gets_the_conditional_data_url(granted, data_key, conditional):
    get_search_backend().rebuild()
    client = Client(HTTP_AUTHORIZATION=data_key)  # ckanapi sends the bare key
    _response, anonymous = call("package_show", id=conditional.identifier)
    response, keyed = call("package_show", client=client, method="post", id=conditional.identifier)
    assert response.status_code == 200, keyed
    assert "/download/" not in anonymous["result"]["resources"][0]["url"]
    assert "/download/resources/" in keyed["result"]["resources"][0]["url"]
    legacy = Client(HTTP_X_CKAN_API_KEY=data_key)
    assert call("package_show", client=legacy, id=conditional.identifier)[0].status_code == 200


def test_a_key_without_catalog_scope_or_a_bad_key_is_an_authorization_error(enterprise_a, enterprise_admin, seed):
    token = issue(enterprise_admin, scopes=("data:read",), organization=enterprise_a.organization)["token"]
    assert call("package_list", client=Client(HTTP_AUTHORIZATION=token))[0].status_code == 403
    for client in (Client(HTTP_AUTHORIZATION="not-a-key"), Client(HTTP_X_CKAN_API_KEY="abc.def"),
                   Client(HTTP_AUTHORIZATION=token + "x")):
        response, body = call("package_list", client=client)
        assert response.status_code == 403 and body["error"]["__type"] == "Authorization Error", body


def test_package_search_filters_sorts_and_facets(seed):
    found = result("package_search", fq="organization:transport-bureau", rows=100)
    assert names(found["results"]) == {"bus-routes", "metro-ridership", "parking-lots"} and found["count"] == 3
    assert names(result("package_search", fq="-organization:transport-bureau")["results"]) == {"air-quality"}
    assert names(result("package_search", fq="tags:停车 OR res_format:JSON")["results"]) == {
        "parking-lots", "air-quality"}
    assert names(result("package_search", fq="groups:transport-public")["results"]) == {"bus-routes", "metro-ridership"}
    assert names(result("package_search", q="tags:地铁")["results"]) == {"metro-ridership"}
    assert result("package_search", fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")["count"] == len(LISTED)
    assert result("package_search", fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]")["count"] == 0
    faceted = result("package_search", **{"facet.field": '["organization","res_format","tags"]', "facet.limit": 1})
    assert faceted["facets"]["organization"] == {"transport-bureau": 3}
    assert faceted["search_facets"]["organization"]["items"][0] == {
        "name": "transport-bureau", "display_name": "市交通委员会", "count": 3}
    modified = [p["metadata_modified"] for p in result("package_search", sort="metadata_modified desc")["results"]]
    assert modified == sorted(modified, reverse=True)
    by_text = result("package_search", q="公交", rows=1)
    assert by_text["count"] == 2 and len(by_text["results"]) == 1


def test_a_harvester_walk_sees_each_dataset_once(seed):
    seen, start = [], 0
    while True:
        page = result("package_search", rows=2, start=start, sort="id asc",
                      fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")["results"]
        if not page:
            break
        seen += [package["id"] for package in page]
        start += 2
    assert len(seen) == len(set(seen)) == len(LISTED)


def test_organizations_groups_tags_and_licences(seed):
    assert result("organization_list") == ["eco-bureau", "transport-bureau"]
    organization = result("organization_show", id="transport-bureau", include_datasets=True)
    assert organization["package_count"] == 3 and organization["is_organization"] is True
    assert len(organization["packages"]) == 3
    assert result("organization_show", id=organization["id"])["name"] == "transport-bureau"
    groups = result("group_list", all_fields=True)
    transport = next(group for group in groups if group["name"] == "transport")
    assert transport["package_count"] == 3
    assert result("group_show", id="transport-public")["package_count"] == 2
    tags = result("tag_list")
    assert "公交" in tags and "停车" in tags
    licences = {licence["id"]: licence for licence in result("license_list")}
    assert licences["cc-by-4.0"]["url"] and "notspecified" in licences
    status = result("status_show")
    assert status["api_version"] == 3 and status["site_url"]
    assert len(result("current_package_list_with_resources", limit=2)) == 2


@pytest.mark.parametrize("name, data, status, error_type", [
    ("package_show", {}, 409, "Validation Error"),
    ("package_show", {"id": "no-such-dataset"}, 404, "Not Found Error"),
    ("resource_show", {"id": "not-a-uuid"}, 404, "Not Found Error"),
    ("organization_show", {"id": "nobody"}, 404, "Not Found Error"),
    ("package_search", {"rows": "abc"}, 409, "Validation Error"),
    ("package_search", {"rows": 10**9}, 409, "Validation Error"),
    ("package_search", {"rows": -1}, 409, "Validation Error"),
    ("package_search", {"start": "x"}, 409, "Validation Error"),
    ("package_search", {"sort": "random()"}, 409, "Search Query Error"),
    ("package_search", {"fq": "organization:(a OR"}, 409, "Search Query Error"),
    ("package_search", {"fq": "secret_field:1"}, 409, "Search Query Error"),
    ("package_search", {"fq": "metadata_modified:[yesterday TO *]"}, 409, "Search Query Error"),
    ("package_search", {"facet.field": "[not json"}, 409, "Validation Error"),
    ("package_list", {"limit": "many"}, 409, "Validation Error"),
    ("package_list", {"offset": 10**20}, 409, "Validation Error"),
    ("package_list", {"limit": 10**30}, 409, "Validation Error"),
    ("current_package_list_with_resources", {"page": 10**15}, 409, "Validation Error"),
    ("package_search", {"rows": "9" * 5000}, 409, "Validation Error"),
    ("package_search", {"fq": "(" * 1500}, 409, "Search Query Error"),
    ("group_show", {"id": ["a", "b"]}, 409, "Validation Error"),
    ("organization_list", {"sort": "evil"}, 409, "Validation Error"),
])
def test_bad_parameters_answer_in_ckans_error_shape(seed, name, data, status, error_type):
    for method in ("get", "post"):
        response, body = call(name, method=method, **data)
        assert response.status_code == status, body
        assert body["success"] is False and body["error"]["__type"] == error_type and body["error"]["message"]


def test_unknown_actions_and_bad_bodies_are_bad_requests(seed):
    response, body = call("package_create")
    assert response.status_code == 400 and body["error"]["message"] == "Bad request - Action name not known: package_create"
    for raw in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        response = Client().post("/api/action/package_show", raw, content_type="application/json")
        assert response.status_code == 400 and response.json()["success"] is False
    assert Client().get("/api/3/action/").status_code == 400
    assert Client().get("/api/3/action/package_list", HTTP_ACCEPT="image/png").status_code == 200
    assert Client().get("/api/3").json() == {"version": 3}


def test_post_needs_no_csrf_token_even_when_signed_in(seed, citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response, body = call("package_list", client=client, method="post")
    assert response.status_code == 200 and body["success"] is True


def test_drafts_of_ones_own_organization_are_shown_to_it(seed, publisher):
    client = Client()
    client.force_login(publisher)
    response, body = call("package_show", client=client, id="draft-counts")
    assert response.status_code == 200 and body["result"]["state"] == "draft"
    assert Dataset.objects.get(identifier="signal-control").name not in result("package_list")


def test_a_call_over_the_rate_limit_is_refused_in_ckans_shape(seed, settings):
    settings.APIKEYS_ANONYMOUS_LIMITS = {"burst_per_second": 1000, "requests_per_minute": 1000, "daily_quota": 2}
    assert call("package_list")[0].status_code == 200
    call("package_list")
    response, body = call("package_list")
    assert response.status_code == 429 and body["success"] is False and body["error"]["__type"] == "Throttled"
    assert response["Retry-After"] and response["RateLimit-Limit"]


def test_renamed_organizations_and_themes_show_at_once(seed, transport_bureau):
    assert result("package_show", id="bus-routes")["organization"]["title"] == "市交通委员会"
    transport_bureau.name_zh = "市交通运输局"
    transport_bureau.save()
    theme = Theme.objects.get(code="transport-public")
    theme.name_zh = "公共交通出行"
    theme.save()
    package = result("package_show", id="bus-routes")
    assert package["organization"]["title"] == "市交通运输局"
    assert {group["title"] for group in package["groups"]} == {"交通出行", "公共交通出行"}


@pytest.mark.parametrize("name, data", [
    ("package_show", {"id": "a\u0000b"}), ("package_search", {"q": "\u0000"}),
    ("package_search", {"fq": "tags:\"a\u0000\""}), ("tag_list", {"query": "\u0000"}),
])
def test_control_characters_are_refused_before_any_query(seed, name, data):
    for method in ("get", "post"):
        response, body = call(name, method=method, **data)
        assert response.status_code == 400 and list(data)[0] in json.dumps(body), body


def test_an_empty_page_of_recent_packages_is_empty(seed):
    assert result("current_package_list_with_resources", limit=0, page=3) == []
