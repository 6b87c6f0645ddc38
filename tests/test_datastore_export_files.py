"""Whole-table Parquet and XLSX files, written once after a load and served by the export API (PostgreSQL).

A load queues its table's files (datastore.export_files, eager tasks here); a request of the whole
table is then answered from the stored file, any other streams live, with the same grade rules,
headers and audit. The file goes when its table is retired; a missing one falls back to the live stream.
"""
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import timezone

from apikeys_support import key_client
from audit.models import AuditEntry
from core import jobs
from datastore.models import DatastoreTable, ExportFile
from datastore.tasks import build_export_file
from datastore_support import add_table, content, defused, export_records, read_json, replace_table
from test_datastore_exports import LINES_CSV

pytestmark = pytest.mark.django_db

ROWS = "/api/v1/resources/{}/rows/"
EXPORT = "/download/resources/{}/data.{}"
FILE_FORMATS = ("parquet", "xlsx")
FILTERED = {"filter[客流][gte]": "60000", "sort": "-票价", "fields": "线路,客流,票价,备注"}


@pytest.fixture
def lines(django_capture_on_commit_callbacks, publisher, make_dataset):
    return add_table(django_capture_on_commit_callbacks, publisher, make_dataset("metro-lines", with_file=False),
                     name="lines.csv", content=LINES_CSV.encode())


def files_of(resource):
    table = DatastoreTable.objects.get(resource=resource, is_active=True)
    return {export.format: export for export in ExportFile.objects.filter(table=table)}


def stored(export):
    with default_storage.open(export.file, "rb") as handle:
        return handle.read()


def rows_api(client, resource, params=None):
    body = read_json(client.get(ROWS.format(resource.pk), {**(params or {}), "limit": 1000}))
    return body["fields"], [{k: v for k, v in row.items() if k != "_id"} for row in body["rows"]]


def exported(client, resource, fmt, params=None):
    response = client.get(EXPORT.format(resource.pk, fmt), params or {})
    assert response.status_code == 200 and response.streaming, response.status_code
    return response, content(response)


def expected_records(fmt, fields, records):
    return defused(records, fields) if fmt == "xlsx" else records


def test_a_load_writes_the_files_and_the_whole_table_is_served_from_them(api, lines):
    files = files_of(lines)
    assert {fmt: (export.status, export.attempts) for fmt, export in files.items()} == {
        "parquet": ("ready", 1), "xlsx": ("ready", 1)}
    fields, records = rows_api(api, lines)
    for fmt, export in files.items():
        response, body = exported(api, lines, fmt)
        assert body == stored(export) and len(body) == export.size == default_storage.size(export.file)
        assert export_records(fmt, body, fields) == expected_records(fmt, fields, records), fmt
        live, _body = exported(api, lines, fmt, FILTERED)
        assert {name: response[name] for name in ("Content-Type", "Content-Disposition", "Cache-Control")} == {
            name: live[name] for name in ("Content-Type", "Content-Disposition", "Cache-Control")}
        assert f'filename="resource-{lines.pk}-v1.{fmt}"' in response["Content-Disposition"]

    # The file is what answers: with the rows gone behind the portal's back, the whole table still has them,
    # while a filtered export (live) has none.
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{files["parquet"].table.table_name}"')
    for fmt in FILE_FORMATS:
        filtered_fields, _rows = rows_api(api, lines, FILTERED)
        assert export_records(fmt, exported(api, lines, fmt, FILTERED)[1], filtered_fields) == []
        assert export_records(fmt, exported(api, lines, fmt)[1], fields) == expected_records(fmt, fields, records)


def test_a_filtered_export_streams_live_the_rows_api_rows(api, lines):
    fields, records = rows_api(api, lines, FILTERED)
    assert 0 < len(records) < 6
    for fmt in FILE_FORMATS:
        body = exported(api, lines, fmt, FILTERED)[1]
        assert export_records(fmt, body, fields) == expected_records(fmt, fields, records)
        assert body != stored(files_of(lines)[fmt])


def test_a_missing_file_falls_back_to_the_live_stream(api, lines):
    fields, records = rows_api(api, lines)
    for fmt, export in files_of(lines).items():
        served = exported(api, lines, fmt)[1]
        default_storage.delete(export.file)
        live = exported(api, lines, fmt)[1]
        assert export_records(fmt, live, fields) == export_records(fmt, served, fields) == expected_records(
            fmt, fields, records)


def test_the_file_goes_when_its_table_is_retired(django_capture_on_commit_callbacks, publisher, api, api_as, lines):
    first = files_of(lines)
    replace_table(django_capture_on_commit_callbacks, publisher, lines, "v2.csv", "线路,客流\n新线,1\n".encode())
    second = files_of(lines)
    assert all(default_storage.exists(export.file) for export in [*first.values(), *second.values()])
    replace_table(django_capture_on_commit_callbacks, publisher, lines, "v3.csv", "线路,客流\n三号,3\n".encode())
    # Version 1's table is dropped (version 2's stays for requests still reading it): its files with it.
    assert not ExportFile.objects.filter(pk__in=[export.pk for export in first.values()]).exists()
    assert not any(default_storage.exists(export.file) for export in first.values())
    assert all(default_storage.exists(export.file) for export in second.values())
    third = files_of(lines)
    assert {export.status for export in third.values()} == {"ready"}
    assert export_records("parquet", exported(api, lines, "parquet")[1], [
        {"name": "线路", "type": "string"}, {"name": "客流", "type": "integer"}]) == [{"线路": "三号", "客流": 3}]
    # And every table's files when the resource is deleted.
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(publisher).delete(f"/api/v1/resources/{lines.pk}/").status_code == 204
    assert not ExportFile.objects.exists()
    assert not any(default_storage.exists(export.file) for export in [*second.values(), *third.values()])


def test_building_again_is_idempotent_and_a_half_written_file_is_written_again(api, lines):
    files = files_of(lines)
    before = sorted(default_storage.listdir("datastore/exports")[1])
    for export in files.values():
        build_export_file.apply(args=[export.pk]).get()
        again = ExportFile.objects.get(pk=export.pk)
        assert (again.status, again.file, again.attempts, again.built) == ("ready", export.file, 1, export.built)
    assert sorted(default_storage.listdir("datastore/exports")[1]) == before

    # A build whose worker died midway (its row left building, no file recorded) is done again in full.
    parquet = files["parquet"]
    default_storage.delete(parquet.file)
    ExportFile.objects.filter(pk=parquet.pk).update(status="building", file="", size=0)
    build_export_file.apply(args=[parquet.pk]).get()
    rebuilt = ExportFile.objects.get(pk=parquet.pk)
    assert (rebuilt.status, rebuilt.attempts) == ("ready", 2)
    fields, records = rows_api(api, lines)
    assert export_records("parquet", stored(rebuilt), fields) == records


def test_a_file_whose_task_was_never_sent_is_queued_by_the_repair(api, lines):
    parquet = files_of(lines)["parquet"]
    default_storage.delete(parquet.file)
    stale = timezone.now() - timezone.timedelta(hours=1)
    ExportFile.objects.filter(pk=parquet.pk).update(status="pending", file="", size=0, attempts=0, heartbeat=stale)
    assert jobs.repair_stalled_jobs()["datastore.repair.repair_stalled_export_files"] == {
        "requeued": [parquet.pk], "failed": []}
    assert ExportFile.objects.get(pk=parquet.pk).status == "ready"
    fields, records = rows_api(api, lines)
    assert export_records("parquet", exported(api, lines, "parquet")[1], fields) == records


@pytest.mark.parametrize("caller", ["anonymous", "citizen", "other_publisher"])
def test_a_restricted_table_file_is_a_404_to_outsiders(django_capture_on_commit_callbacks, graded_datasets, publisher,
                                                        citizen, other_publisher, api_as, caller):
    resource = add_table(django_capture_on_commit_callbacks, publisher, graded_datasets["restricted"])
    assert {export.status for export in files_of(resource).values()} == {"ready"}
    outsider = Client() if caller == "anonymous" else api_as({"citizen": citizen, "other_publisher": other_publisher}[caller])
    for fmt in FILE_FORMATS:
        assert outsider.get(EXPORT.format(resource.pk, fmt)).status_code == 404
        assert exported(api_as(publisher), resource, fmt)[1] == stored(files_of(resource)[fmt])


def test_a_conditional_table_file_needs_an_approved_grant_and_is_audited(
        request, django_capture_on_commit_callbacks, conditional, publisher, citizen, data_key, api_as):
    resource = add_table(django_capture_on_commit_callbacks, publisher, conditional)
    files = files_of(resource)
    signed_in = Client()
    signed_in.force_login(citizen)
    for client in (Client(), signed_in, key_client(data_key)):
        for fmt in FILE_FORMATS:
            response = client.get(EXPORT.format(resource.pk, fmt))
            assert response.status_code == 403 and not response.streaming
    request.getfixturevalue("granted")
    client = key_client(data_key)
    for fmt in FILE_FORMATS:
        assert exported(client, resource, fmt)[1] == stored(files[fmt])
    downloads = AuditEntry.objects.filter(action=AuditEntry.Action.DATA_DOWNLOAD, resource=resource).order_by("id")
    assert [entry.bytes for entry in downloads] == [files[fmt].size for fmt in FILE_FORMATS]
    resource.refresh_from_db()
    assert resource.download_count == 2
