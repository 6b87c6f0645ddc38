"""The OpenAPI schema says what the API does: values, nullability, media types, errors, strict bodies."""
import re

import pytest

from datastore import exports

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_licence_code_matches_the_declared_pattern(api, schema):
    pattern = schema["components"]["schemas"]["Licence"]["properties"]["code"]["pattern"]
    codes = [licence["code"] for licence in api.get("/api/v1/licences/").json()]
    assert "cc-by-4.0" in codes
    assert [code for code in codes if not re.search(pattern, code)] == []


def test_a_contribution_declares_what_is_null_before_the_merge(schema):
    properties = schema["components"]["schemas"]["Contribution"]["properties"]
    for name in ("resource", "merged_dataset", "dataset", "reviewer"):
        assert properties[name].get("nullable") is True, name


def test_downloads_declare_the_media_types_they_send(schema):
    for path in ("/download/resources/{resource_id}/", "/download/resources/{resource_id}/v{number}/"):
        # A file goes out with its own type (text/csv, application/pdf...), never relabelled.
        assert set(schema["paths"][path]["get"]["responses"]["200"]["content"]) == {"*/*"}
    export = schema["paths"]["/download/resources/{resource_id}/data.{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(export) == {media_type.split(";")[0] for media_type, _extension in exports.FORMATS.values()}
    assert export["application/json"]["schema"]["type"] == "array"


def test_every_operation_documents_the_errors_any_request_can_meet(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "403", "429"} | ({"404"} if "{" in path else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR, (method, path, code)


def test_paginated_lists_document_404_and_views_keep_their_own_errors(schema):
    assert "404" in schema["paths"]["/api/v1/organizations/"]["get"]["responses"]
    assert "413" in schema["paths"]["/api/v1/datasets/{identifier}/resources/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/datasets/"]["post"]["responses"]


def test_the_error_shape_is_a_component(schema):
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert {"status", "code", "message"} <= set(error["required"])
    assert "fields" in error["properties"]


def test_bodies_that_refuse_unknown_fields_say_so(schema, api_as, publisher, transport_bureau):
    components = schema["components"]["schemas"]
    for name in ("DatasetCreateRequest", "PatchedDatasetWriteRequest", "ResourceCreateRequest",
                 "ContributionCreateRequest", "ApplicationCreateRequest"):
        assert components[name]["additionalProperties"] is False, name
    # ...as the API does.
    response = api_as(publisher).post("/api/v1/datasets/", {"organization": transport_bureau.slug, "identifier": "x",
                                                             "title": "x", "colour": "red"}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["error"]["fields"]
