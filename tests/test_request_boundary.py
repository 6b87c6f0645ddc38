"""What every request meets before any view: control characters, keys in URLs, credentials, error shapes.

All through HTTP: the API answers the JSON error shape of core.exceptions, pages a 400 page.
"""
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from rest_framework.test import APIClient

from apikeys_support import error, issue, key_client

pytestmark = pytest.mark.django_db


def field_error(response, status, field):
    body = error(response, status, response.json()["error"]["code"])
    assert field in body["fields"], body
    return body


# -- control characters (NUL first: PostgreSQL cannot hold it) ---------------------------------

@pytest.mark.parametrize("path, params, field", [
    ("/api/v1/search/suggest/", {"q": "公交\x00"}, "q"),
    ("/api/v1/search/", {"q": "bus", "organization": "transport\x00"}, "organization"),
    ("/api/v1/datasets/", {"q": "\x00"}, "q"),
    ("/api/v1/access/grants/", {"enterprise": "acme\x00"}, "enterprise"),
    ("/api/v1/access/usage-reports/", {"enterprise": "\x00"}, "enterprise"),
    ("/api/v1/access/applications/", {"enterprise": "a\x1fb"}, "enterprise"),
    ("/api/v1/resources/1/rows/", {"q": "\x00", "filter[线路]": "1路"}, "q"),
    ("/api/v1/resources/1/rows/", {"filter[线路]": "1路\x00"}, "filter[线路]"),
    ("/download/resources/1/data.csv", {"q": "\x00"}, "q"),
])
def test_control_characters_in_api_parameters_are_a_400_naming_them(
        staff, api_as, graded_datasets, path, params, field):
    body = field_error(api_as(staff).get(path, params), 400, field)
    assert body["code"] == "invalid"


def test_a_control_character_in_a_parameter_name_is_named_escaped(api, graded_datasets):
    body = field_error(api.get("/api/v1/resources/1/rows/", {"filter[a\x00]": "1"}), 400, "filter[a\\x00]")
    assert body["code"] == "invalid"


def test_tab_and_newline_are_text_not_control_characters(api, graded_datasets):
    assert api.get("/api/v1/search/suggest/", {"q": "公交\t线路\n"}).status_code == 200


@pytest.mark.parametrize("path, params, field", [
    ("/datasets/", {"q": "公交\x00"}, "q"),
    ("/search/", {"q": "\x00"}, "q"),
    ("/en/datasets/", {"organization": "\x07"}, "organization"),
])
def test_control_characters_on_pages_are_a_400_page(graded_datasets, path, params, field):
    response = Client().get(path, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert field in response.content.decode()


def test_a_nul_in_the_path_is_a_400_not_a_lookup(api, graded_datasets):
    assert Client().get("/datasets/bus%00routes/").status_code == 400
    field_error(api.get("/api/v1/datasets/bus%00routes/"), 400, "path")


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", MULTIPART_CONTENT])
def test_a_nul_in_a_page_form_is_a_400_naming_the_field(citizen, graded_datasets, content_type):
    client = Client()
    client.force_login(citizen)
    data = {"purpose": "研究\x00", "intended_use": "统计"}
    body = urlencode(data) if content_type.endswith("urlencoded") else data
    response = client.post("/access/apply/taxi-trips", body, content_type=content_type)
    assert response.status_code == 400 and "purpose" in response.content.decode()


def test_a_nul_in_a_json_string_is_a_400_naming_the_field(publisher, api_as, graded_datasets):
    geojson = {"type": "Feature", "properties": {"name": "站\u0000"},
               "geometry": {"type": "Point", "coordinates": [121.4, 31.2]}}
    response = api_as(publisher).patch("/api/v1/datasets/bus-routes/", {"spatial_geojson": geojson}, format="json")
    field_error(response, 400, "spatial_geojson.properties.name")


# -- keys in URLs: the same 400 everywhere ------------------------------------------------------

@pytest.mark.parametrize("name", ["api_key", "apikey", "API-KEY"])
def test_a_key_in_the_query_string_of_a_page_is_refused(citizen, graded_datasets, name):
    token = issue(citizen)["token"]
    resource = graded_datasets["open"].resources.first()
    for path in (f"/resources/{resource.pk}/data/", "/datasets/bus-routes/", "/"):
        response = Client().get(path, {name: token})
        assert response.status_code == 400, path
        assert response["Content-Type"].startswith("text/html")
    error(APIClient().get(f"/api/v1/resources/{resource.pk}/rows/", {name: token}), 400, "key_in_url")
    error(APIClient().get(f"/download/resources/{resource.pk}/data.csv", {name: token}), 400, "key_in_url")


# -- credentials nobody recognises are not anonymous -------------------------------------------

@pytest.mark.parametrize("header", [
    "Bearer 0123456789abcdef",
    "Basic Zm9vOmJhcg==",
    "garbage",
    "Token not-a-token",
    "Api-Key cdp_0123456789ab." + "A" * 43,
])
def test_unrecognised_credentials_on_public_endpoints_are_401(graded_datasets, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    for path in ("/api/v1/datasets/", "/api/v1/search/", "/api/v1/themes/",
                 f"/download/resources/{graded_datasets['open'].resources.first().pk}/"):
        response = client.get(path)
        assert response.status_code == 401, (path, response.content)
        assert set(response.json()["error"]) >= {"status", "code", "message"}
        assert response["WWW-Authenticate"]


def test_a_valid_key_and_no_header_still_work(citizen, graded_datasets):
    assert key_client(issue(citizen)["token"]).get("/api/v1/datasets/").status_code == 200
    assert APIClient().get("/api/v1/datasets/").status_code == 200


# -- one error shape under /api/ ----------------------------------------------------------------

@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "²"])
@pytest.mark.parametrize("path", ["/api/v1/datasets/", "/api/v1/organizations/", "/api/v1/search/"])
def test_an_invalid_page_is_the_same_400_on_lists_and_search(api, graded_datasets, path, page):
    error(api.get(path, {"page": page}), 400, "invalid")
    assert "page" in api.get(path, {"page": page}).json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/datasets/", "/api/v1/search/"])
def test_a_page_past_the_end_is_the_same_404_on_lists_and_search(api, graded_datasets, path):
    assert api.get(path, {"page": 1}).status_code == 200
    body = error(api.get(path, {"page": 50}), 404, "not_found")
    assert "page" in body["fields"]


def test_an_invalid_page_size_is_a_400_on_lists(api, graded_datasets):
    for size in ("0", "x"):
        assert "page_size" in error(api.get("/api/v1/datasets/", {"page_size": size}), 400, "invalid")["fields"]


@pytest.mark.parametrize("path", ["/api/v1/resources/-1/rows/", "/api/v1/nope/", "/api/v2/", "/api/",
                                  "/download/nothing/"])
def test_unmatched_api_paths_are_json_404s(api, path):
    error(api.get(path), 404, "not_found")


def test_unmatched_pages_stay_html_404s():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_wrong_methods_under_the_api_are_json_405s(api):
    error(api.delete("/api/v1/search/"), 405, "method_not_allowed")


def test_a_refused_host_under_the_api_is_a_json_400():
    error(APIClient(raise_request_exception=False).get("/api/v1/datasets/", HTTP_HOST="evil.example"), 400, "bad_request")


def test_an_over_long_url_is_a_414_in_the_error_shape(api, settings):
    long_text = "公" * (settings.REQUEST_URL_MAX_BYTES // 9 + 1)  # 9 bytes each, percent-encoded
    error(api.get("/api/v1/datasets/", {"q": long_text}), 414, "uri_too_long")
    assert Client().get("/datasets/", {"q": long_text}).status_code == 414
    assert api.get("/api/v1/datasets/", {"q": long_text[:200]}).status_code == 200


def test_refusals_speak_english_under_en():
    assert "control characters" in Client().get("/en/datasets/", {"q": "\x00"}).content.decode()


def test_a_refused_host_on_a_page_is_the_400_page():
    response = Client(raise_request_exception=False).get("/datasets/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
