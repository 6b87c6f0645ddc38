"""File downloads from the outside: grades, ranges, conditional requests, names, zips, counts."""
import hashlib
import io
import json
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from api_support import CSV_BYTES, upload
from datasets.models import Dataset, Resource, ResourceVersion
from datasets.services.resources import add_file_resource, add_url_resource, replace_resource_file

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "publisher", "other_publisher", "staff")
INSIDERS = {"publisher", "staff"}
V2_BYTES = "站点,日期,PM2.5\n人民广场,2024-02-01,41\n".encode("utf-8")
BIG_CSV = b"".join(b"%d,line %d,%s\n" % (i, i, b"x" * (i % 50)) for i in range(60000))  # > 2 chunks


def expected_status(grade, role):
    if grade == "open" or role in INSIDERS:
        return 200
    return 403 if grade == "conditional" else 404


def body(response):
    """The whole body; consuming a streamed one also closes it, as a WSGI server would."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def client_as(request):
    def make(role):
        client = Client()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client
    return make


@pytest.fixture
def versioned(graded_datasets, publisher):
    """Every graded dataset's file replaced once: v1 is CSV_BYTES, v2 (current) is V2_BYTES."""
    resources = {}
    for grade, dataset in graded_datasets.items():
        resource = dataset.resources.get()
        replace_resource_file(user=publisher, resource=resource, uploaded=upload("v2.csv", V2_BYTES))
        resources[grade] = (dataset, resource)
    return resources


@pytest.fixture
def file_resource(make_dataset, publisher):
    """An open dataset with one larger CSV file, for ranges and headers."""
    def make(name="公交线路.csv", content=BIG_CSV, identifier="bus-lines"):
        dataset = make_dataset(identifier, with_file=False)
        resource = add_file_resource(user=publisher, dataset=dataset, uploaded=upload(name, content))
        return resource
    return make


def download_url(resource):
    return reverse("resource-download", args=[resource.pk])


def counts(resource):
    resource.refresh_from_db()
    return resource.download_count, Dataset.objects.get(pk=resource.dataset_id).download_count


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


# --- grades -------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("grade", ["open", "conditional", "restricted", "draft"])
@pytest.mark.parametrize("target", ["current", "old", "zip"])
def test_grades_decide_who_downloads(client_as, versioned, grade, role, target):
    dataset, resource = versioned[grade]
    url = {
        "current": download_url(resource),
        "old": reverse("resource-version-download", args=[resource.pk, 1]),
        "zip": reverse("dataset-download-zip", args=[dataset.identifier]),
    }[target]
    response = client_as(role).get(url)
    status = expected_status(grade, role)
    assert response.status_code == status
    if status == 403:
        assert_error(response, 403, "application_required")
        assert "申请" in response.json()["error"]["message"]
    elif status == 404:
        assert_error(response, 404, "not_found")
    elif target == "zip":
        archive = zipfile.ZipFile(io.BytesIO(body(response)))
        assert archive.read("data/v2.csv") == V2_BYTES
    else:
        assert body(response) == (V2_BYTES if target == "current" else CSV_BYTES)


def test_restricted_looks_exactly_like_nothing(client, graded_datasets):
    restricted = graded_datasets["restricted"].resources.get()
    hidden = client.get(download_url(restricted))
    missing = client.get(reverse("resource-download", args=[restricted.pk + 100000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_archived_open_data_stays_downloadable(client, make_dataset):
    dataset = make_dataset("old-counts", state=Dataset.State.ARCHIVED)
    assert body(client.get(download_url(dataset.resources.get()))) == CSV_BYTES


def test_token_authenticated_member_downloads_conditional_data(graded_datasets, publisher):
    resource = graded_datasets["conditional"].resources.get()
    token = Token.objects.create(user=publisher)
    response = Client().get(download_url(resource), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert body(response) == CSV_BYTES


@pytest.mark.parametrize("grade,status", [("open", 302), ("conditional", 403), ("restricted", 404)])
def test_link_resources_redirect_when_allowed(client, graded_datasets, publisher, grade, status):
    link = add_url_resource(user=publisher, dataset=graded_datasets[grade],
                            data={"url": "https://data.example.org/线路.csv", "name": "外部"})
    response = client.get(download_url(link))
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "https://data.example.org/%E7%BA%BF%E8%B7%AF.csv"
        assert counts(link) == (1, 1)
        assert client.head(download_url(link)).status_code == 302
        assert counts(link) == (1, 1)
    # Links have no versions; the grade is checked first.
    version_status = 404 if status == 302 else status
    assert client.get(reverse("resource-version-download", args=[link.pk, 1])).status_code == version_status


# --- not found and methods ----------------------------------------------------------

def test_unknown_things_are_404(client, graded_datasets):
    resource = graded_datasets["open"].resources.get()
    assert_error(client.get(reverse("resource-download", args=[999999])), 404, "not_found")
    assert_error(client.get(reverse("resource-version-download", args=[resource.pk, 7])), 404, "not_found")
    assert_error(client.get(reverse("resource-version-download", args=[999999, 1])), 404, "not_found")
    assert_error(client.get(reverse("dataset-download-zip", args=["no/such:set"])), 404, "not_found")
    assert client.get("/download/resources/abc/").status_code == 404


def test_only_get_and_head(client, graded_datasets):
    resource = graded_datasets["open"].resources.get()
    assert client.post(download_url(resource)).status_code == 405
    assert client.delete(download_url(resource)).status_code == 405


# --- headers -------------------------------------------------------------------

def test_file_headers(client, file_resource):
    resource = file_resource()
    version = resource.current_version
    response = client.get(download_url(resource), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(BIG_CSV))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{hashlib.sha256(BIG_CSV).hexdigest()}"'
    assert response["Last-Modified"]
    assert "private" in response["Cache-Control"]
    assert body(response) == BIG_CSV
    assert version.sha256 == hashlib.sha256(BIG_CSV).hexdigest()


def parse_disposition(header):
    """(type, real name from filename*, ASCII fallback) of an RFC 6266 header."""
    kind, *params = header.split(";")
    assert len(params) == 2, header
    # The fallback: printable ASCII without quote or backslash.
    fallback = re.fullmatch(r' filename="([ !#-\[\]-~]*)"', params[0]).group(1)
    real = re.fullmatch(r" filename\*=UTF-8''([A-Za-z0-9%._~-]+)", params[1]).group(1)
    return kind, unquote(real, errors="strict"), fallback


def test_chinese_file_name(client, file_resource):
    response = client.get(download_url(file_resource("公交线路.csv")))
    header = response["Content-Disposition"]
    assert "filename*=UTF-8''%E5%85%AC%E4%BA%A4%E7%BA%BF%E8%B7%AF.csv" in header
    assert parse_disposition(header) == ("attachment", "公交线路.csv", "download.csv")


def test_accented_name_keeps_a_readable_fallback(client, file_resource):
    header = client.get(download_url(file_resource("Café 2024.csv")))["Content-Disposition"]
    assert parse_disposition(header) == ("attachment", "Café 2024.csv", "Cafe 2024.csv")


def test_quotes_and_backslashes_cannot_break_the_header(client, file_resource):
    resource = file_resource('站点 "A";x%41.csv', CSV_BYTES)
    header = client.get(download_url(resource))["Content-Disposition"]
    assert parse_disposition(header) == ("attachment", '站点 "A";x%41.csv', "A__x_41.csv")
    assert header.count('"') == 2
    # Uploads refuse backslashes, but a row imported from elsewhere may hold one.
    ResourceVersion.objects.filter(pk=resource.current_version_id).update(filename='a\\"b.csv')
    header = client.get(download_url(resource))["Content-Disposition"]
    assert parse_disposition(header) == ("attachment", 'a\\"b.csv', "a__b.csv")
    assert "\\" not in header


def test_head_sends_headers_without_body(client, file_resource):
    resource = file_resource()
    response = client.head(download_url(resource))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(BIG_CSV))
    assert response["ETag"] and response["Content-Disposition"].startswith("attachment")
    assert body(response) == b""
    assert counts(resource) == (0, 0)


# --- ranges --------------------------------------------------------------------

SIZE = len(BIG_CSV)


@pytest.mark.parametrize("header,first,last", [
    ("bytes=0-9", 0, 9),
    ("bytes=100-", 100, SIZE - 1),
    ("bytes=-5", SIZE - 5, SIZE - 1),
    ("bytes=10-99999999", 10, SIZE - 1),
    ("bytes=-99999999", 0, SIZE - 1),
    ("Bytes=7-7", 7, 7),
])
def test_single_range_is_206(client, file_resource, header, first, last):
    response = client.get(download_url(file_resource()), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == BIG_CSV[first:last + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range_is_416(client, file_resource, header):
    resource = file_resource()
    response = client.get(download_url(resource), HTTP_RANGE=header)
    assert_error(response, 416, "range_not_satisfiable")
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert counts(resource) == (0, 0)


@pytest.mark.parametrize("header", [
    "bytes=abc", "bytes=9-5", "items=0-5", "bytes=0-1,4-5", "bytes=-", "bytes 0-5", "bytes=1-2-3",
    "bytes=" + "9" * 5000 + "-",
])
def test_malformed_or_multi_range_is_ignored(client, file_resource, header):
    response = client.get(download_url(file_resource()), HTTP_RANGE=header)
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == BIG_CSV


def test_if_range(client, file_resource):
    resource = file_resource()
    full = client.head(download_url(resource))
    etag, last_modified = full["ETag"], full["Last-Modified"]

    def get(if_range):
        return client.get(download_url(resource), HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE=if_range)

    assert get(etag).status_code == 206
    assert get(last_modified).status_code == 206
    assert get('"0000"').status_code == 200
    assert get(f"W/{etag}").status_code == 200
    assert get("Thu, 01 Jan 2015 00:00:00 GMT").status_code == 200
    assert body(get('"0000"')) == BIG_CSV


def test_old_version_ranges_use_that_versions_validator(client, versioned):
    _dataset, resource = versioned["open"]
    url = reverse("resource-version-download", args=[resource.pk, 1])
    response = client.get(url, HTTP_RANGE="bytes=0-5", HTTP_IF_RANGE=f'"{hashlib.sha256(CSV_BYTES).hexdigest()}"')
    assert response.status_code == 206
    assert body(response) == CSV_BYTES[:6]


# --- conditional requests -----------------------------------------------------------

def test_if_none_match_and_if_modified_since(client, file_resource):
    resource = file_resource()
    url = download_url(resource)
    first = client.head(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag and not_modified["Last-Modified"] == last_modified
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert counts(resource) == (0, 0)

    changed = client.get(url, HTTP_IF_NONE_MATCH='"other"')
    assert changed.status_code == 200 and body(changed) == BIG_CSV
    older = client.get(url, HTTP_IF_MODIFIED_SINCE="Thu, 01 Jan 2015 00:00:00 GMT")
    assert older.status_code == 200 and body(older) == BIG_CSV
    # If-None-Match wins over If-Modified-Since.
    both = client.get(url, HTTP_IF_NONE_MATCH='"other"', HTTP_IF_MODIFIED_SINCE=last_modified)
    assert both.status_code == 200 and body(both) == BIG_CSV


def test_a_new_version_changes_the_validator(client, file_resource, publisher):
    resource = file_resource()
    etag = client.head(download_url(resource))["ETag"]
    replace_resource_file(user=publisher, resource=resource, uploaded=upload("v2.csv", V2_BYTES))
    response = client.get(download_url(resource), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert body(response) == V2_BYTES


# --- counts --------------------------------------------------------------------

@pytest.mark.parametrize("method,headers,counted", [
    ("get", {}, 1),
    ("get", {"HTTP_RANGE": "bytes=0-9"}, 1),
    ("get", {"HTTP_RANGE": "bytes=-9999999"}, 1),
    ("get", {"HTTP_RANGE": "bytes=0-1,5-6"}, 1),
    ("get", {"HTTP_RANGE": "bytes=10-"}, 0),
    ("get", {"HTTP_RANGE": f"bytes={SIZE}-"}, 0),
    ("get", {"HTTP_IF_NONE_MATCH": "*"}, 0),
    ("head", {}, 0),
])
def test_what_counts_as_a_download(client, file_resource, method, headers, counted):
    resource = file_resource()
    body(getattr(client, method)(download_url(resource), **headers))
    assert counts(resource) == (counted, counted)


def test_counts_add_up_across_versions_and_clients(client_as, versioned):
    _dataset, resource = versioned["conditional"]
    body(client_as("publisher").get(download_url(resource)))
    body(client_as("staff").get(reverse("resource-version-download", args=[resource.pk, 1])))
    body(client_as("citizen").get(download_url(resource)))  # 403: not a download
    assert counts(resource) == (2, 2)


# --- X-Accel-Redirect ------------------------------------------------------------

@override_settings(DOWNLOAD_X_ACCEL_REDIRECT_PREFIX="/protected/")
def test_x_accel_redirect_hands_the_bytes_to_nginx(client, file_resource):
    resource = file_resource("公交线路.csv")
    response = client.get(download_url(resource), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200
    assert body(response) == b""
    location = response["X-Accel-Redirect"]
    assert re.fullmatch(r"/protected/resources/[0-9a-f-]{36}/v1/%E5%85%AC%E4%BA%A4%E7%BA%BF%E8%B7%AF\.csv",
                        location)
    assert (settings.MEDIA_ROOT / unquote(location.removeprefix("/protected/"))).read_bytes() == BIG_CSV
    assert response["ETag"] == f'"{hashlib.sha256(BIG_CSV).hexdigest()}"'
    assert response["Content-Type"] == "text/csv"
    assert "filename*=UTF-8''%E5%85%AC" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert counts(resource) == (1, 1)
    assert client.get(download_url(resource), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@override_settings(DOWNLOAD_X_ACCEL_REDIRECT_PREFIX="/protected")
def test_x_accel_redirect_still_grades(client, graded_datasets):
    response = client.get(download_url(graded_datasets["conditional"].resources.get()))
    assert_error(response, 403, "application_required")
    assert "X-Accel-Redirect" not in response


# --- whole dataset as a zip --------------------------------------------------------

def small_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.txt", "inner")
    return buffer.getvalue()


@pytest.fixture
def rich_dataset(make_dataset, publisher):
    """An open dataset with clashing, Chinese and case-only-different names, a zip, a link and two versions."""
    dataset = make_dataset("交通/公交:线路.v1", with_file=False, description="公交线路与站点。")
    contents = {
        "公交线路.csv": BIG_CSV,
        "公交线路.csv ": "站点\n一号站\n".encode(),  # same name once stripped
        "Data.csv": b"a,b\n1,2\n",
        "data.csv": b"a,b\n3,4\n",
        "shapes.zip": small_zip(),
    }
    for name, content in contents.items():
        add_file_resource(user=publisher, dataset=dataset, uploaded=upload(name.strip(), content))
    replaced = dataset.resources.get(name="Data.csv")
    replace_resource_file(user=publisher, resource=replaced, uploaded=upload("Data.csv", b"a,b\n5,6\n"))
    add_url_resource(user=publisher, dataset=dataset,
                     data={"url": "https://data.example.org/realtime", "name": "实时接口"})
    return dataset


def test_zip_holds_current_files_metadata_and_checksums(client, rich_dataset):
    url = reverse("dataset-download-zip", args=[rich_dataset.identifier])
    assert url == "/download/datasets/%E4%BA%A4%E9%80%9A/%E5%85%AC%E4%BA%A4:%E7%BA%BF%E8%B7%AF.v1/zip/"
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert parse_disposition(response["Content-Disposition"])[1] == "交通_公交_线路.v1.zip"

    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "README.txt", "metadata.json", "data/公交线路.csv", "data/公交线路 (2).csv",
        "data/Data.csv", "data/data (2).csv", "data/shapes.zip",
    ]
    assert archive.read("data/公交线路.csv") == BIG_CSV
    assert archive.read("data/Data.csv") == b"a,b\n5,6\n"  # the current version only
    assert archive.getinfo("data/shapes.zip").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("data/公交线路.csv").compress_type == zipfile.ZIP_DEFLATED

    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["identifier"] == "交通/公交:线路.v1"
    assert metadata["organization"]["slug"] == "transport-bureau"
    assert metadata["licence"]["code"] == "cc-by-4.0"
    assert [link["url"] for link in metadata["links"]] == ["https://data.example.org/realtime"]
    assert len(metadata["files"]) == 5
    readme = archive.read("README.txt").decode()
    for entry in metadata["files"]:
        data = archive.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["size"] == len(data)
        assert f"{entry['sha256']}  {entry['path']}" in readme
    assert "https://data.example.org/realtime" in readme


def test_zip_counts_each_file_and_head_counts_nothing(client, rich_dataset):
    url = reverse("dataset-download-zip", args=[rich_dataset.identifier])
    head = client.head(url)
    assert head.status_code == 200 and body(head) == b""
    body(client.get(url))
    file_counts = Resource.objects.filter(dataset=rich_dataset).values_list("kind", "download_count")
    assert sorted(file_counts) == [("file", 1)] * 5 + [("url", 0)]
    assert Dataset.objects.get(pk=rich_dataset.pk).download_count == 5


def test_zip_of_a_dataset_without_files_still_has_its_metadata(client, make_dataset):
    dataset = make_dataset("empty-set", with_file=False)
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(reverse("dataset-download-zip", args=["empty-set"])))))
    assert archive.namelist() == ["README.txt", "metadata.json"]
    assert json.loads(archive.read("metadata.json"))["title"] == dataset.title


def test_zip_route_takes_identifiers_ending_in_zip(client, make_dataset, publisher):
    dataset = make_dataset("roads/zip", with_file=False)
    add_file_resource(user=publisher, dataset=dataset, uploaded=upload("roads.csv"))
    response = client.get(reverse("dataset-download-zip", args=["roads/zip"]))
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(body(response))).read("data/roads.csv") == CSV_BYTES
