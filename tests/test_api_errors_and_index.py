"""The API explains itself: an index at /api/v1/, JSON 404s under /api/, readable and localized
error messages, and one answer for one fault (a bad page number) on every paginated endpoint."""
import json
import re

import pytest

from harvest.models import HarvestJob, HarvestSource

pytestmark = pytest.mark.django_db

PYTHON_SYNTAX = re.compile(r"\[['\"]|ErrorDetail|string=|code=")
BAD_PAGES = ["-1", "0", "abc"]


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def path_ids(transport_bureau):
    """The id (or slug) that fills the path parameter of the paginated lists nested under one object
    (a harvest source's jobs, a job's records, a department's attention list), by the path's prefix."""
    source = HarvestSource.objects.create(name="census", kind="data-json", url="https://example.org/data.json",
                                          organization=transport_bureau)
    job = HarvestJob.objects.create(source=source)
    return {"/api/v1/harvest/sources/{id}/": source.pk, "/api/v1/harvest/jobs/{id}/": job.pk,
            "/api/v1/quality/organizations/{slug}/": transport_bureau.slug}


def paginated_list_paths(schema, path_ids=None):
    """Every GET operation of the API that takes a `page` parameter, read from the OpenAPI schema, with
    its `{id}` or `{slug}` filled from `path_ids` (a path with an id nobody gave fails the test)."""
    paths = sorted(
        path for path, methods in schema["paths"].items()
        if "get" in methods and any(p["name"] == "page" and p["in"] == "query"
                                    for p in methods["get"].get("parameters", []))
    )
    if path_ids is None:
        return paths
    filled = []
    for path in paths:
        for prefix, pk in path_ids.items():
            if path.startswith(prefix):
                path = re.sub(r"\{\w+\}", str(pk), path)
        assert "{" not in path, f"no id for {path}: add it to path_ids"
        filled.append(path)
    return filled


def assert_plain_error(body, status):
    error = body["error"]
    assert error["status"] == status
    text = json.dumps(error, ensure_ascii=False)
    assert not PYTHON_SYNTAX.search(error["message"]), error
    for messages in (error.get("fields") or {}).values():
        for message in messages:
            assert isinstance(message, str) and not PYTHON_SYNTAX.search(message), text
    return error


def test_the_schema_lists_every_paginated_endpoint(schema):
    paths = paginated_list_paths(schema)
    # The walk below must not pass by finding nothing.
    assert {"/api/v1/datasets/", "/api/v1/organizations/", "/api/v1/search/", "/api/v1/access/audit/",
            "/api/v1/contributions/", "/api/v1/enterprises/"} <= set(paths), paths


@pytest.mark.parametrize("language, text", [("zh-hans", "正整数"), ("en", "positive integer")])
def test_a_bad_page_is_a_400_naming_page_on_every_paginated_endpoint(api_as, staff, graded_datasets, schema,
                                                                     path_ids, language, text):
    client = api_as(staff)
    for path in paginated_list_paths(schema, path_ids):
        for page in BAD_PAGES:
            response = client.get(path, {"page": page}, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 400, (path, page, response.content)
            error = assert_plain_error(response.json(), 400)
            assert list(error["fields"]) == ["page"], (path, page, error)
            assert text in error["fields"]["page"][0], (path, page, error)


def test_a_page_past_the_last_is_a_404_naming_page_on_every_paginated_endpoint(api_as, staff, schema, path_ids):
    client = api_as(staff)
    for path in paginated_list_paths(schema, path_ids):
        response = client.get(path, {"page": "400"})
        assert response.status_code == 404, (path, response.content)
        assert "page" in assert_plain_error(response.json(), 404)["fields"], path


@pytest.mark.parametrize("language, required, expected_language", [
    ("en", "This field is required.", "en"),
    ("en-GB,en;q=0.8", "This field is required.", "en"),
    ("zh-CN,zh;q=0.9", "该字段是必填项。", "zh-hans"),
    ("fr-FR", "该字段是必填项。", "zh-hans"),  # a language the portal does not speak: Chinese
    ("", "该字段是必填项。", "zh-hans"),
])
def test_validation_errors_are_plain_text_in_the_requested_language(api_as, citizen, language, required,
                                                                    expected_language):
    response = api_as(citizen).post("/api/v1/keys/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    error = assert_plain_error(response.json(), 400)
    assert error["fields"]["name"] == [required]
    assert error["message"] == f"name: {required}; scopes: {required}"
    assert response["Content-Language"] == expected_language


def test_a_nested_body_error_is_plain_text_too(api_as, publisher, transport_bureau):
    body = {"identifier": "nested", "title": "t", "open_grade": "open", "licence": "cc-by-4.0",
            "organization": transport_bureau.slug, "themes": [["transport"]], "keywords": "x"}
    response = api_as(publisher).post("/api/v1/datasets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert_plain_error(response.json(), 400)


@pytest.mark.parametrize("language, message", [("en", "Not found."), ("zh-hans", "未找到。")])
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/nope", "/api/v2/", "/api/", "/api", "/api/v1/nope/deeper/",
                                  "/api/v1/search/nope/"])
def test_an_unknown_api_path_is_a_json_404(api, path, language, message):
    response = api.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    error = assert_plain_error(response.json(), 404)
    assert error["code"] == "not_found" and error["message"] == message


@pytest.mark.parametrize("path", ["/nope-nope/", "/apis/", "/api-docs"])
def test_an_unknown_page_path_is_still_a_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_root_is_an_index_of_the_api(api, schema):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    index = response.json()
    assert index["schema"] == "http://testserver/api/schema/"
    assert index["docs"] == "http://testserver/api/docs/"
    assert api.get(index["schema"]).status_code == 200
    endpoints = {endpoint["path"]: endpoint for endpoint in index["endpoints"]}
    # Every operation path of the API is listed, each with a one-line description.
    assert set(endpoints) == {path for path in schema["paths"] if path.startswith("/api/v1/") and path != "/api/v1/"}
    for path, endpoint in endpoints.items():
        assert endpoint["url"] == f"http://testserver{path}"
        assert endpoint["description"] and "\n" not in endpoint["description"], path
        assert endpoint["methods"] and set(endpoint["methods"]) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert endpoints["/api/v1/datasets/"]["methods"] == ["GET", "POST"]
    listed = api.get(endpoints["/api/v1/datasets/"]["url"])
    assert listed.status_code == 200


def test_the_api_index_is_in_the_schema(schema):
    assert "200" in schema["paths"]["/api/v1/"]["get"]["responses"]
