"""Catalog API v1, write side: datasets and resources for publishers, and every refusal."""
import json
import os

import pytest
from django.conf import settings

import inspection_support
from api_support import CSV_BYTES, upload
from datasets.models import Activity, Dataset, Resource, ResourceVersion

pytestmark = pytest.mark.django_db

DATASETS = "/api/v1/datasets/"


def detail(identifier):
    return f"{DATASETS}{identifier}/"


def error_fields(response, status):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error.get("fields", {})


def stored_files():
    root = settings.MEDIA_ROOT
    return {os.path.join(path, name) for path, _dirs, names in os.walk(root) for name in names}


def raw_multipart(filename, content=CSV_BYTES, **fields):
    """A multipart body written by hand, so the file name reaches the server exactly as given."""
    boundary = "portal-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def as_publisher(api_as, publisher):
    return api_as(publisher)


@pytest.fixture
def as_other(api_as, other_publisher):
    return api_as(other_publisher)


def new_dataset(**fields):
    return {"organization": "transport-bureau", "identifier": "metro-ridership", "title": "地铁客流 Metro ridership",
            **fields}


# --- authentication -------------------------------------------------------------

def test_anonymous_writes_are_refused(api, graded_datasets):
    resource = graded_datasets["open"].resources.get()
    attempts = [
        api.post(DATASETS, new_dataset(), format="json"),
        api.patch(detail("bus-routes"), {"title": "x"}, format="json"),
        api.delete(detail("bus-routes")),
        api.post(detail("bus-routes") + "publish/"),
        api.post(detail("bus-routes") + "resources/", {"file": upload()}, format="multipart"),
        api.patch(f"/api/v1/resources/{resource.pk}/", {"name": "x"}, format="json"),
        api.delete(f"/api/v1/resources/{resource.pk}/"),
        api.post(f"/api/v1/resources/{resource.pk}/versions/", {"file": upload()}, format="multipart"),
    ]
    for response in attempts:
        assert response.status_code in (401, 403), response.content
        assert response.json()["error"]["status"] == response.status_code
    assert not Dataset.objects.filter(identifier="metro-ridership").exists()
    assert Dataset.objects.get(identifier="bus-routes").title == graded_datasets["open"].title


def test_token_lets_a_publisher_write(api, publisher):
    response = api.post("/api/v1/auth/token/", {"username": "publisher", "password": "pw-publisher"}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.post(DATASETS, new_dataset(), format="json").status_code == 201


def test_token_with_wrong_password_is_refused(api, publisher):
    response = api.post("/api/v1/auth/token/", {"username": "publisher", "password": "nope"}, format="json")
    assert "non_field_errors" in error_fields(response, 400)


# --- creating datasets --------------------------------------------------------------

def test_publisher_creates_a_draft(as_publisher, api):
    payload = new_dataset(
        identifier="metro/ridership:2024.v1", description="每日进出站客流", themes=["transport-public"],
        keywords=["地铁", "客流"], licence="cc-by-4.0", open_grade="conditional", update_frequency="daily",
        temporal_start="2024-01-01", temporal_end="2024-12-31", spatial_region="全市",
        spatial_bbox=[120.8, 30.6, 122.2, 31.9],
        spatial_geojson={"type": "Point", "coordinates": [121.47, 31.23]},
        contact_name="客流科", contact_email="metro@example.gov.cn", source_url="https://example.gov.cn/metro",
    )
    response = as_publisher.post(DATASETS, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["open_grade"] == "conditional"
    assert body["organization"]["slug"] == "transport-bureau"
    assert [theme["code"] for theme in body["themes"]] == ["transport-public"]
    assert body["spatial_bbox"] == [120.8, 30.6, 122.2, 31.9]
    assert body["history"][0]["action"] == "created" and body["history"][0]["actor"] == "publisher"
    # A draft: its organization sees it, the public does not.
    assert as_publisher.get(detail("metro/ridership:2024.v1")).status_code == 200
    assert api.get(detail("metro/ridership:2024.v1")).status_code == 404


@pytest.mark.parametrize("user_fixture", ["other_publisher", "citizen"])
def test_only_the_organization_publishers_may_create(api_as, request, user_fixture, transport_bureau):
    client = api_as(request.getfixturevalue(user_fixture))
    error_fields(client.post(DATASETS, new_dataset(), format="json"), 403)
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("payload, field", [
    (new_dataset(organization="no-such-org"), "organization"),
    ({"identifier": "x", "title": "t"}, "organization"),
    (new_dataset(title=""), "title"),
    (new_dataset(title="长" * 301), "title"),
    ({"organization": "transport-bureau", "identifier": "metro"}, "title"),
    ({"organization": "transport-bureau", "title": "t"}, "identifier"),
    (new_dataset(identifier="has spaces"), "identifier"),
    (new_dataset(identifier="x" * 201), "identifier"),
    (new_dataset(open_grade="secret"), "open_grade"),
    (new_dataset(licence="gpl"), "licence"),
    (new_dataset(themes=["transport", "no-such-theme"]), "themes"),
    (new_dataset(themes="transport"), "themes"),
    (new_dataset(update_frequency="hourly"), "update_frequency"),
    (new_dataset(temporal_start="2024-06-01", temporal_end="2024-05-31"), "temporal_end"),
    (new_dataset(temporal_start="2024-02-30"), "temporal_start"),
    (new_dataset(spatial_bbox=[121, 31, 122]), "spatial_bbox"),
    (new_dataset(spatial_bbox=[200, 31, 201, 32]), "spatial_bbox"),
    (new_dataset(spatial_bbox=[122, 31, 121, 32]), "spatial_bbox"),
    (new_dataset(spatial_bbox=["a", "b", "c", "d"]), "spatial_bbox"),
    (new_dataset(spatial_geojson={"type": "Blob"}), "spatial_geojson"),
    (new_dataset(spatial_geojson={"type": "Polygon"}), "spatial_geojson"),
    (new_dataset(spatial_geojson=[1, 2]), "spatial_geojson"),
    (new_dataset(contact_email="not-an-email"), "contact_email"),
    (new_dataset(source_url="javascript:alert(1)"), "source_url"),
    (new_dataset(keywords=["k" * 101]), "keywords"),
    (new_dataset(state="published"), "state"),
    (new_dataset(download_count=5), "download_count"),
])
def test_bad_dataset_input_is_refused_naming_the_field(as_publisher, transport_bureau, payload, field):
    assert field in error_fields(as_publisher.post(DATASETS, payload, format="json"), 400)
    assert not Dataset.objects.exists() and not Activity.objects.filter(dataset__isnull=False).exists()


def test_every_wrong_field_is_named_at_once(as_publisher, transport_bureau):
    fields = error_fields(as_publisher.post(DATASETS, new_dataset(open_grade="x", licence="y"), format="json"), 400)
    assert {"open_grade", "licence"} <= set(fields)


def test_duplicate_identifier_is_a_conflict(as_publisher, as_other, make_dataset, eco_bureau):
    make_dataset("metro-ridership")
    fields = error_fields(as_publisher.post(DATASETS, new_dataset(), format="json"), 409)
    assert "identifier" in fields
    # One number, one source: another organization cannot reuse it either.
    error_fields(as_other.post(DATASETS, new_dataset(organization="eco-bureau"), format="json"), 409)
    assert Dataset.objects.count() == 1


def test_body_that_is_not_an_object_is_refused(as_publisher, transport_bureau):
    response = as_publisher.post(DATASETS, json.dumps([1, 2]), content_type="application/json")
    error_fields(response, 400)
    response = as_publisher.post(DATASETS, "{not json", content_type="application/json")
    error_fields(response, 400)


# --- changing datasets ------------------------------------------------------------

def test_patch_changes_only_the_given_fields_and_records_them(as_publisher, make_dataset):
    make_dataset("bus-routes", keywords=["公交"])
    response = as_publisher.patch(detail("bus-routes"), {"title": "新标题", "themes": ["transport-road"]},
                                  format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "新标题" and body["keywords"] == ["公交"]
    assert body["history"][0]["changes"]["title"][1] == "新标题"
    assert body["history"][0]["changes"]["themes"] == [["transport"], ["transport-road"]]


def test_put_needs_identifier_and_title(as_publisher, make_dataset):
    make_dataset("bus-routes")
    fields = error_fields(as_publisher.put(detail("bus-routes"), {"description": "d"}, format="json"), 400)
    assert {"identifier", "title"} <= set(fields)
    response = as_publisher.put(detail("bus-routes"), {"identifier": "bus-routes", "title": "T", "description": "d"},
                                format="json")
    assert response.status_code == 200 and response.json()["description"] == "d"


@pytest.mark.parametrize("payload, field", [
    ({"identifier": "renamed"}, "identifier"),
    ({"title": ""}, "title"),
    ({"temporal_end": "2023-01-01"}, "temporal_end"),
    ({"organization": "eco-bureau"}, "organization"),
    ({"open_grade": "closed"}, "open_grade"),
])
def test_bad_patch_is_refused_and_changes_nothing(as_publisher, make_dataset, payload, field):
    make_dataset("bus-routes", temporal_start="2024-01-01")
    before = Dataset.objects.get(identifier="bus-routes")
    assert field in error_fields(as_publisher.patch(detail("bus-routes"), payload, format="json"), 400)
    after = Dataset.objects.get(identifier="bus-routes")
    assert (after.title, after.modified, after.temporal_end) == (before.title, before.modified, before.temporal_end)


def test_publish_and_archive(as_publisher, api, make_dataset):
    make_dataset("bus-routes", state=Dataset.State.DRAFT)
    response = as_publisher.post(detail("bus-routes") + "publish/")
    assert response.status_code == 200
    assert response.json()["state"] == "published" and response.json()["published_at"]
    assert api.get(DATASETS).json()["count"] == 1
    response = as_publisher.post(detail("bus-routes") + "archive/")
    assert response.json()["state"] == "archived"
    # Archived datasets leave the list but keep their page.
    assert api.get(DATASETS).json()["count"] == 0
    assert api.get(detail("bus-routes")).status_code == 200
    assert [entry["action"] for entry in response.json()["history"][:2]] == ["archived", "published"]


def test_delete_removes_the_dataset_and_its_files(as_publisher, make_dataset, django_capture_on_commit_callbacks):
    dataset = make_dataset("bus-routes")
    path = dataset.resources.get().current_version.file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        assert as_publisher.delete(detail("bus-routes")).status_code == 204
    assert as_publisher.get(detail("bus-routes")).status_code == 404
    assert not os.path.exists(path)


@pytest.mark.parametrize("name, status", [("open", 403), ("conditional", 403), ("restricted", 404), ("draft", 404)])
def test_publisher_of_another_organization(as_other, graded_datasets, name, status):
    """Forbidden where they can see the dataset, absent where they cannot."""
    dataset = graded_datasets[name]
    resource = dataset.resources.get()
    url = detail(dataset.identifier)
    attempts = [
        as_other.patch(url, {"title": "x"}, format="json"),
        as_other.put(url, {"identifier": dataset.identifier, "title": "x"}, format="json"),
        as_other.delete(url),
        as_other.post(url + "publish/"),
        as_other.post(url + "archive/"),
        as_other.post(url + "resources/", {"file": upload()}, format="multipart"),
        as_other.post(url + "resources/", {"url": "https://example.org/x.csv"}, format="json"),
        as_other.patch(f"/api/v1/resources/{resource.pk}/", {"name": "x"}, format="json"),
        as_other.delete(f"/api/v1/resources/{resource.pk}/"),
        as_other.post(f"/api/v1/resources/{resource.pk}/versions/", {"file": upload()}, format="multipart"),
    ]
    assert [response.status_code for response in attempts] == [status] * len(attempts)
    after = Dataset.objects.get(pk=dataset.pk)
    assert (after.title, after.state, after.resources.count()) == (dataset.title, dataset.state, 1)
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_staff_may_change_any_organization_dataset(api_as, staff, graded_datasets):
    response = api_as(staff).patch(detail("signal-control"), {"title": "信号"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "信号"


def test_writes_on_unknown_ids_are_404(as_publisher, transport_bureau):
    for response in (
        as_publisher.patch(detail("no/such:thing.v1"), {"title": "x"}, format="json"),
        as_publisher.delete(detail("no-such")),
        as_publisher.post(detail("no-such") + "publish/"),
        as_publisher.post(detail("no-such") + "resources/", {"file": upload()}, format="multipart"),
        as_publisher.patch("/api/v1/resources/999999/", {"name": "x"}, format="json"),
        as_publisher.delete("/api/v1/resources/999999/"),
        as_publisher.post("/api/v1/resources/999999/versions/", {"file": upload()}, format="multipart"),
    ):
        error_fields(response, 404)


# --- resources: uploads ---------------------------------------------------------------

def resources_url(identifier="bus-routes"):
    return detail(identifier) + "resources/"


@pytest.fixture
def draft(make_dataset):
    return make_dataset("bus-routes", state=Dataset.State.DRAFT, with_file=False)


def test_upload_a_file_resource(as_publisher, draft):
    schema = {"fields": [{"name": "站点", "type": "string"}, {"name": "PM2.5", "type": "number"}]}
    response = as_publisher.post(resources_url(), {
        "file": upload("站点.csv"), "description": "监测值", "format": "csv", "table_schema": json.dumps(schema),
    }, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "站点.csv" and body["kind"] == "file"
    assert body["format"] == "CSV" and body["media_type"] == "text/csv" and body["size"] == len(CSV_BYTES)
    assert body["version"] == 1 and body["table_schema"] == schema and body["can_download"] is True
    assert body["versions"][0]["filename"] == "站点.csv"
    assert os.path.exists(Resource.objects.get().current_version.file.path)


def test_add_an_external_link(as_publisher, draft):
    response = as_publisher.post(resources_url(), {"url": "https://example.org/api/stops", "name": "站点接口",
                                                   "format": "json"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["format"], body["download_url"]) == ("url", "JSON", "https://example.org/api/stops")
    assert body["versions"] == []


@pytest.mark.parametrize("payload, field", [
    ({}, "file"),
    ({"url": "not a url"}, "url"),
    ({"url": "https://example.org/x", "name": "n" * 301}, "name"),
    ({"url": "https://example.org/x", "format": "F" * 31}, "format"),
    ({"url": "https://example.org/x", "table_schema": {"no": "fields"}}, "table_schema"),
    ({"url": "https://example.org/x", "size": 10}, "size"),
])
def test_bad_link_resource_is_refused(as_publisher, draft, payload, field):
    assert field in error_fields(as_publisher.post(resources_url(), payload, format="json"), 400)
    assert not Resource.objects.exists()


def upload_refused(client, status, payload=None, raw=None):
    """Post an upload that must fail; check nothing was stored. Returns the error fields."""
    before = stored_files()
    if raw is not None:
        response = client.post(resources_url(), **raw)
    else:
        response = client.post(resources_url(), payload, format="multipart")
    fields = error_fields(response, status)
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()
    assert stored_files() == before
    return fields


@pytest.mark.parametrize("payload, field", [
    ({"file": upload("empty.csv", b"")}, "file"),
    ({"file": upload("data.csv"), "format": "PDF"}, "format"),
    ({"file": upload("report.pdf", b"%PDF-1.4 fake"), "format": "CSV"}, "format"),
    ({"file": upload("data.csv"), "url": "https://example.org/x"}, "url"),
    ({"file": upload("data.csv"), "table_schema": "{not json"}, "table_schema"),
    ({"file": upload("data.csv"), "table_schema": "[1, 2]"}, "table_schema"),
    ({"file": upload("data.csv"), "name": "n" * 301}, "name"),
    ({"file": upload("data.csv"), "sha256": "0" * 64}, "sha256"),
    ({"file": upload("back\\slash.csv")}, "file"),
    ({"file": upload("n" * 201 + ".csv")}, "file"),
])
def test_bad_upload_is_refused_and_stores_nothing(as_publisher, draft, payload, field):
    assert field in upload_refused(as_publisher, 400, payload)


@pytest.mark.parametrize("filename", ["../../etc/passwd.csv", "dir/data.csv", "tab\there.csv", "bell\x07.csv",
                                      "zero\u200bwidth.csv", "..", "."])
def test_file_names_reach_the_rules_unaltered(as_publisher, draft, filename):
    """Django's own parser would strip these silently; the API refuses them instead."""
    assert "file" in upload_refused(as_publisher, 400, raw=raw_multipart(filename))


def test_plain_file_name_in_a_hand_written_body_is_kept(as_publisher, draft):
    response = as_publisher.post(resources_url(), **raw_multipart("客流 2024.csv", name="客流"))
    assert response.status_code == 201, response.content
    assert response.json()["versions"][0]["filename"] == "客流 2024.csv"
    assert response.json()["name"] == "客流"


def test_oversized_upload_is_413_and_stores_nothing(as_publisher, draft, settings):
    settings.RESOURCE_MAX_UPLOAD_BYTES = len(CSV_BYTES) - 1
    assert "file" in upload_refused(as_publisher, 413, {"file": upload()})


def test_oversized_upload_spooled_to_disk_is_413(as_publisher, draft, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.RESOURCE_MAX_UPLOAD_BYTES = 4096
    big = b"a,b\n" + b"1,2\n" * 2000
    assert "file" in upload_refused(as_publisher, 413, {"file": upload("big.csv", big)})


@pytest.mark.parametrize("name, build, reason", [
    ("bomb.xlsx", lambda: inspection_support.xlsx_bomb(), "压缩比"),  # a valid workbook, its sheet 1000:1
    ("bomb.zip", lambda: inspection_support.xlsx_bomb(), "压缩比"),  # the same bytes as a plain zip
    ("bomb.csv.gz", lambda: inspection_support.gzip_bomb(), "压缩比"),
    ("wide.xlsx", lambda: inspection_support.xlsx_declaring("A1:XFD1048576"), "16384"),
    ("broken.xlsx", lambda: b"PK\x03\x04garbage-not-a-zip", "损坏"),
], ids=["xlsx-bomb", "zip-bomb", "gzip-bomb", "declared-dimension", "damaged-zip"])
def test_a_compression_bomb_is_refused_at_upload_and_stores_nothing(as_publisher, draft, name, build, reason):
    fields = upload_refused(as_publisher, 400, {"file": upload(name, build(), "application/octet-stream")})
    assert reason in " ".join(fields["file"])


def test_the_container_limits_are_settings(as_publisher, draft, settings):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 10**6
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    fields = upload_refused(as_publisher, 400, {"file": upload("bomb.xlsx", inspection_support.xlsx_bomb())})
    assert "超过上限" in " ".join(fields["file"])


# --- resources: changes and versions --------------------------------------------------

@pytest.fixture
def resource(make_dataset):
    return make_dataset("bus-routes").resources.get()


def resource_url(resource, suffix=""):
    return f"/api/v1/resources/{resource.pk}/{suffix}"


def test_patch_a_resource(as_publisher, resource):
    response = as_publisher.patch(resource_url(resource), {"name": "线路表", "description": "全市公交线路"},
                                  format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "线路表"
    history = as_publisher.get(detail("bus-routes")).json()["history"]
    assert history[0]["changes"]["name"][1] == "线路表"


@pytest.mark.parametrize("payload, field", [
    ({"name": ""}, "name"),
    ({"name": "n" * 301}, "name"),
    ({"url": "https://example.org/x"}, "url"),
    ({"table_schema": {"fields": "no"}}, "table_schema"),
    ({"format": "PDF"}, "format"),
    ({"position": "first"}, "position"),
])
def test_bad_resource_patch_is_refused(as_publisher, resource, payload, field):
    assert field in error_fields(as_publisher.patch(resource_url(resource), payload, format="json"), 400)
    assert Resource.objects.get().name == resource.name


def test_delete_a_resource(as_publisher, resource, django_capture_on_commit_callbacks):
    path = resource.current_version.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert as_publisher.delete(resource_url(resource)).status_code == 204
    assert as_publisher.get(resource_url(resource)).status_code == 404
    assert not os.path.exists(path)
    assert as_publisher.get(detail("bus-routes")).json()["resources"] == []


def test_new_version_replaces_the_file_and_keeps_the_old_one(as_publisher, resource):
    old_path = resource.current_version.file.path
    response = as_publisher.post(resource_url(resource, "versions/"),
                                 {"file": upload("v2.csv", b"x,y\n1,2\n"), "format": "csv"}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["size"] == len(b"x,y\n1,2\n")
    assert [version["number"] for version in body["versions"]] == [2, 1]
    assert os.path.exists(old_path)
    assert as_publisher.get(detail("bus-routes")).json()["history"][0]["action"] == "new_version"


@pytest.mark.parametrize("payload, field, status", [
    ({}, "file", 400),
    ({"file": upload("empty.csv", b"")}, "file", 400),
    ({"file": upload("v2.csv"), "format": "XLSX"}, "format", 400),
    ({"file": upload("v2.csv"), "name": "x"}, "name", 400),
])
def test_bad_new_version_stores_nothing(as_publisher, resource, payload, field, status):
    before = stored_files()
    response = as_publisher.post(resource_url(resource, "versions/"), payload, format="multipart")
    assert field in error_fields(response, status)
    assert ResourceVersion.objects.count() == 1 and stored_files() == before


def test_oversized_new_version_is_413(as_publisher, resource, settings):
    settings.RESOURCE_MAX_UPLOAD_BYTES = 8
    before = stored_files()
    error_fields(as_publisher.post(resource_url(resource, "versions/"), {"file": upload()}, format="multipart"), 413)
    assert ResourceVersion.objects.count() == 1 and stored_files() == before


def test_new_version_control_character_name_is_refused(as_publisher, resource):
    response = as_publisher.post(resource_url(resource, "versions/"), **raw_multipart("v2\x01.csv"))
    assert "file" in error_fields(response, 400)
    assert ResourceVersion.objects.count() == 1


def test_link_resources_have_no_file_to_replace(as_publisher, draft):
    created = as_publisher.post(resources_url(), {"url": "https://example.org/x.json"}, format="json").json()
    response = as_publisher.post(f"/api/v1/resources/{created['id']}/versions/", {"file": upload()},
                                 format="multipart")
    assert "file" in error_fields(response, 400)
