"""The OpenAPI schema of the API: served, complete for the catalog, and free of warnings."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CATALOG_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/organizations/",
    "/api/v1/organizations/{slug}/",
    "/api/v1/themes/",
    "/api/v1/licences/",
    "/api/v1/datasets/",
    "/api/v1/datasets/{identifier}/",
    "/api/v1/datasets/{identifier}/publish/",
    "/api/v1/datasets/{identifier}/archive/",
    "/api/v1/datasets/{identifier}/resources/",
    "/api/v1/resources/{id}/",
    "/api/v1/resources/{id}/versions/",
]


def test_schema_is_served_with_the_catalog_paths(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert set(CATALOG_PATHS) <= set(schema["paths"])
    filters = {parameter["name"] for parameter in schema["paths"]["/api/v1/datasets/"]["get"]["parameters"]}
    assert {"organization", "theme", "keyword", "format", "open_grade", "licence", "state", "modified_after",
            "modified_before", "q", "ordering", "page", "page_size"} <= filters
    upload = schema["paths"]["/api/v1/datasets/{identifier}/resources/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning of any view into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/datasets/{identifier}/:" in (tmp_path / "schema.yaml").read_text()
