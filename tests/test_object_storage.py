"""Stored files in a real S3-compatible server (s3proxy, started by scripts/services.sh), configured the way an
operator configures it: from environment variables (portal/settings/storage.py).

Files of every grade land as objects of the bucket, not on the local disk; a download the grade checks
allow is a redirect to a short-lived presigned URL the store answers itself; a refused one carries no
URL; the paths that read stored files (datastore load, quality report, zip, backup) read the bucket; and a
store that stops answering is an outage (a 503 with Retry-After, /healthz naming it) until it is back.
"""
import hashlib
import io
import os
import shutil
import subprocess
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings

from api_support import CSV_BYTES, upload
from apikeys_support import error, key_client, session_client
from contributions_support import VALID_ID, csv_bytes
from core.http_files import content_disposition
from datastore_support import STATIONS_CSV, add_table, content, read_json
from portal.backup import files as backup_files
from portal.settings import storage
from quality.models import QualityReport
from server_support import ROOT, _free_port, http_get

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SERVICES = ROOT / "scripts" / "services.sh"
KEYS = {"PORTAL_S3_ACCESS_KEY": "portal-test", "PORTAL_S3_SECRET_KEY": "portal-test-secret"}


class S3proxy:
    """A private s3proxy (scripts/services.sh) a test may stop and start again; its buckets stay in `directory`."""

    def __init__(self, directory, port):
        self.directory, self.port = str(directory), str(port)
        self.endpoint = f"http://127.0.0.1:{port}"

    def start(self):
        subprocess.run(["bash", str(SERVICES), "s3-start", self.directory, self.port], env={**os.environ, **KEYS},
                       check=True, capture_output=True)

    def stop(self):
        subprocess.run(["bash", str(SERVICES), "s3-stop", self.directory], check=True, capture_output=True)


@pytest.fixture(scope="module")
def s3proxy(tmp_path_factory):
    """A running private s3proxy, stopped afterwards."""
    # Fail, not skip: the object-storage door must be tried wherever the suite runs.
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    assert not missing, f"{' and '.join(missing)} not installed: scripts/services.sh s3-start needs them for s3proxy"
    server = S3proxy(tmp_path_factory.mktemp("s3proxy"), _free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def bucket(s3proxy, monkeypatch):
    """A new bucket as the default storage, from the environment an operator would set; a boto3 client on it."""
    import boto3

    # s3proxy refuses the streaming checksums boto3 sends by default (aws-chunked): boto3's own setting for
    # stores that do not have them (docs/deployment.md).
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    monkeypatch.setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
    # boto3's retries as docs/deployment.md advises: a store that is down is told in a second or two, not seven.
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    name = f"portal-{uuid.uuid4().hex[:12]}"
    environ = {"AWS_STORAGE_BUCKET_NAME": name, "AWS_S3_ENDPOINT_URL": s3proxy.endpoint,
               "AWS_S3_REGION_NAME": "us-east-1", "AWS_S3_ADDRESSING_STYLE": "path",
               "AWS_ACCESS_KEY_ID": KEYS["PORTAL_S3_ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY": KEYS["PORTAL_S3_SECRET_KEY"]}
    client = boto3.client("s3", endpoint_url=s3proxy.endpoint, region_name="us-east-1",
                          aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=name)
    with override_settings(STORAGES={**settings.STORAGES, "default": storage.default_storage(environ)}):
        yield client, name


def stored_object(bucket, name):
    client, bucket_name = bucket
    return client.get_object(Bucket=bucket_name, Key=name)["Body"].read()


def download_url(resource):
    return f"/download/resources/{resource.pk}/"


def assert_no_presigned_url(response, endpoint):
    """Neither the store's address nor a signature anywhere in what a refused client gets."""
    exposed = response.content.decode() + "".join(f"{name}: {value}\n" for name, value in response.items())
    assert endpoint.removeprefix("http://") not in exposed and "X-Amz-" not in exposed, exposed


def test_files_of_every_grade_are_objects_and_only_allowed_downloads_get_a_presigned_url(
        bucket, s3proxy, graded_datasets, granted, data_key, enterprise_a, enterprise_admin, publisher,
        make_dataset, django_capture_on_commit_callbacks, client):
    for dataset in graded_datasets.values():
        version = dataset.resources.get().current_version
        assert hashlib.sha256(stored_object(bucket, version.file.name)).hexdigest() == version.sha256
        assert not (Path(settings.MEDIA_ROOT) / version.file.name).exists()
    licence = enterprise_a.business_licence.name
    assert licence.startswith("enterprise-licences/") and stored_object(bucket, licence).startswith(b"%PDF")
    # The business licence: a presigned URL for the enterprise's own people, neither file nor URL for others.
    licence_url = f"/enterprises/{enterprise_a.organization.slug}/licence/"
    response = session_client(enterprise_admin).get(licence_url)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    status, headers, body = http_get(response["Location"])
    assert status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    refused = session_client(publisher).get(licence_url)
    assert refused.status_code == 403
    assert_no_presigned_url(refused, s3proxy.endpoint)

    # Open: a redirect, counted, to a URL the store answers with the file, its name and its type.
    resource = graded_datasets["open"].resources.get()
    version = resource.current_version
    response = client.get(download_url(resource))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3proxy.endpoint}/{bucket[1]}/resources/") and "X-Amz-Expires=60" in location
    status, headers, body = http_get(location)
    assert (status, body) == (200, CSV_BYTES) and hashlib.sha256(body).hexdigest() == version.sha256
    assert headers["Content-Disposition"] == content_disposition(version.filename)
    assert headers["Content-Type"].startswith("text/csv")
    status, _headers, body = http_get(location, {"Range": "bytes=0-5"})
    assert (status, body) == (206, CSV_BYTES[:6])
    resource.refresh_from_db()
    assert resource.download_count == 1

    # Conditional: refused without a grant; the granted enterprise's key gets its URL.
    conditional = graded_datasets["conditional"].resources.get()
    refused = client.get(download_url(conditional))
    error(refused, 403, "application_required")
    assert_no_presigned_url(refused, s3proxy.endpoint)
    granted_response = key_client(data_key).get(download_url(conditional))
    assert granted_response.status_code == 302
    assert http_get(granted_response["Location"])[2] == CSV_BYTES

    # Restricted: nothing there for outsiders.
    refused = client.get(download_url(graded_datasets["restricted"].resources.get()))
    error(refused, 404, "not_found")
    assert_no_presigned_url(refused, s3proxy.endpoint)

    # Personal data found by the quality report (which read the object) is held from outsiders.
    dataset = make_dataset("people-open", with_file=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = session_client(publisher).post(
            f"/api/v1/datasets/{dataset.identifier}/resources/",
            {"file": upload("people.csv", csv_bytes([["张三", VALID_ID]], ["姓名", "身份证号"]))}, format="multipart")
    assert created.status_code == 201, created.content
    refused = client.get(f"/download/resources/{created.json()['id']}/")
    error(refused, 403, "personal_data_held")
    assert_no_presigned_url(refused, s3proxy.endpoint)

    # The URL stops working once it expires.
    with override_settings(DOWNLOAD_PRESIGNED_URL_SECONDS=1):
        location = client.get(download_url(resource))["Location"]
    assert "X-Amz-Expires=1" in location
    time.sleep(2)
    status, _headers, body = http_get(location)
    assert status == 403 and b"expired" in body


def test_the_datastore_the_quality_report_the_zip_and_the_backup_read_the_bucket(
        bucket, publisher, make_dataset, django_capture_on_commit_callbacks, client, tmp_path):
    dataset = make_dataset("metro-stations", with_file=False)
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset)
    version = resource.current_version
    assert stored_object(bucket, version.file.name) == STATIONS_CSV.encode()

    rows = client.get(f"/api/v1/resources/{resource.pk}/rows/")
    assert rows.status_code == 200, rows.content
    assert [row["站名"] for row in read_json(rows)["rows"]][:2] == ["人民广场", "徐家汇"]
    assert QualityReport.objects.get(version=version).row_count == 5

    archive = zipfile.ZipFile(io.BytesIO(content(client.get(f"/download/datasets/{dataset.identifier}/zip/"))))
    assert archive.read("data/stations.csv") == STATIONS_CSV.encode()

    entries = backup_files.back_up(default_storage, tmp_path)
    assert {"path": version.file.name, "size": version.size, "sha256": version.sha256} in entries
    assert (tmp_path / version.file.name).read_bytes() == STATIONS_CSV.encode()


def test_a_store_that_stops_answering_is_an_outage_and_serves_again_once_back(
        s3proxy, make_dataset, publisher, client, caplog):
    resource = make_dataset("bike-docks").resources.get()
    dataset = make_dataset("bike-lanes", with_file=False)
    # Streamed through Django, a download reads the object; a presigned redirect would not ask the store.
    streamed = override_settings(DOWNLOAD_PRESIGNED_URL_SECONDS=0)
    s3proxy.stop()
    try:
        with streamed:
            download = client.get(download_url(resource))
        uploaded = session_client(publisher).post(f"/api/v1/datasets/{dataset.identifier}/resources/",
                                                  {"file": upload("lanes.csv")}, format="multipart")
        health = client.get("/healthz")
    finally:
        s3proxy.start()
    for response in (download, uploaded):
        error(response, 503, "service_unavailable")
        assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    assert not dataset.resources.exists()
    assert health.status_code == 503 and health.json()["failing"] == ["object_store"]
    assert health.json()["checks"]["object_store"]["error"].startswith("EndpointConnectionError")
    outage_lines = [record for record in caplog.records if record.getMessage().startswith("object_store unavailable")]
    assert len(outage_lines) == 2 and not any(record.exc_info for record in caplog.records)

    with streamed:
        assert content(client.get(download_url(resource))) == CSV_BYTES
    assert client.get("/healthz").json()["checks"]["object_store"]["ok"]
