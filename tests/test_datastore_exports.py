"""Exports on PostgreSQL (written by the database): every format gives the rows API's rows, for the same query."""
import json

import pytest

from datastore_support import add_table, content, defused, export_records, geojson_bytes, read_json

pytestmark = pytest.mark.django_db

ROWS = "/api/v1/resources/{}/rows/"
EXPORT = "/download/resources/{}/data.{}"
FORMATS = ("csv", "tsv", "json", "jsonl", "geojson", "xlsx", "parquet")
SPREADSHEETS = ("csv", "tsv", "xlsx")  # where text cells are defused against formulas

# Every type, formulas, quotes, a newline and a tab inside cells, a backslash, a missing value,
# datetimes in other offsets and with a fraction of a second.
LINES_CSV = (
    "线路,开通日期,更新时间,换乘,客流,票价,经度,纬度,备注\n"
    '1号线,1995-04-10,2024-01-01T08:00:00+08:00,true,120000,3.5,121.4737,31.2304,"=HYPERLINK(""http://evil"")"\n'
    "2号线,2000-06-11,2024-01-01T01:00:00.5Z,false,98000,4,121.4375,31.1951,-5 级\n"
    '3号线,2000-12-26,2024-01-02T00:00:00.000123Z,true,87000,2,121.5055,31.2397,"两行\n文字"\n'
    '4号线,2005-12-31,2024-01-03T23:59:59Z,false,43000,6.25,,31.2023,"引号"" 与 \\ 反斜杠 & <标签>"\n'
    "5号线,2003-11-25,2024-01-04T00:00:00-05:00,true,150000,3,121.3204,31.1941,NA\n"
    '6号线,2007-12-29,2024-01-05T12:00:00Z,false,61000,5,121.5873,31.2023,"\t@制表符"\n'
)
QUERIES = {
    "whole table": {},
    "filtered, sorted, projected": {"filter[客流][gte]": "60000", "filter[开通日期][lt]": "2007-01-01",
                                    "sort": "-票价,线路", "fields": "备注,线路,更新时间,换乘,客流,经度,纬度"},
    "searched, sorted by a column left out": {"q": "号线", "sort": "更新时间", "fields": "线路,纬度,经度,票价"},
}


@pytest.fixture
def lines(django_capture_on_commit_callbacks, publisher, make_dataset):
    return add_table(django_capture_on_commit_callbacks, publisher, make_dataset("metro-lines", with_file=False),
                     name="lines.csv", content=LINES_CSV.encode())


def _rows_api(api, resource, params):
    body = read_json(api.get(ROWS.format(resource.pk), {**params, "limit": 1000}))
    return body["fields"], [{k: v for k, v in row.items() if k != "_id"} for row in body["rows"]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", list(QUERIES))
def test_an_export_gives_the_rows_api_rows(api, lines, fmt, query):
    fields, expected = _rows_api(api, lines, QUERIES[query])
    assert len(expected) >= 3
    response = api.get(EXPORT.format(lines.pk, fmt), QUERIES[query])
    assert response.status_code == 200 and response.streaming
    records = export_records(fmt, content(response), fields)
    assert records == (defused(expected, fields) if fmt in SPREADSHEETS else expected)


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "json"])  # format=json is the API's own page
def test_the_rows_api_in_a_format_is_the_same_page(api, lines, fmt):
    params = {"sort": "-客流", "fields": "线路,备注,换乘,经度,纬度", "limit": 2, "offset": 1}
    fields, expected = _rows_api(api, lines, {k: v for k, v in params.items() if k not in ("limit", "offset")})
    response = api.get(ROWS.format(lines.pk), {**params, "format": fmt})
    assert response.status_code == 200
    page = expected[1:3]
    assert export_records(fmt, content(response), fields) == (defused(page, fields) if fmt in SPREADSHEETS else page)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson", "parquet"])
@pytest.mark.parametrize("params", [{"fields": "没有这列"}, {"sort": "没有这列"}, {"filter[客流][gte]": "很多"},
                                    {"filter[没有这列]": "1"}, {"cursor": "not-a-cursor"}])
def test_a_bad_export_query_is_a_400_naming_it_before_any_byte(api, lines, fmt, params):
    response = api.get(EXPORT.format(lines.pk, fmt), params)
    assert response.status_code == 400 and not response.streaming, response.status_code
    error = response.json()["error"]
    named = [name.split("[")[0] for name in params]
    assert error["code"] and any(name in json.dumps(error, ensure_ascii=False) for name in named + ["没有这列"]), error


def test_values_are_written_as_the_rows_api_shows_them(api, lines):
    text = content(api.get(EXPORT.format(lines.pk, "csv"), {"sort": "线路"})).decode("utf-8-sig")
    assert text.splitlines()[1] == ('1号线,1995-04-10,2024-01-01T00:00:00Z,true,120000,3.5,121.4737,31.2304,'
                                    '"\'=HYPERLINK(""http://evil"")"')
    assert ",2024-01-01T01:00:00.5Z,false," in text and ",2024-01-02T00:00:00.000123Z," in text
    feature = read_json(api.get(EXPORT.format(lines.pk, "geojson"), {"sort": "线路"}))["features"][3]
    assert feature["geometry"] is None and feature["properties"]["经度"] is None  # no longitude, no point


def test_an_empty_selection_is_an_empty_file(api, lines):
    params = {"filter[客流][gt]": "10000000"}
    assert read_json(api.get(EXPORT.format(lines.pk, "json"), params)) == []
    assert content(api.get(EXPORT.format(lines.pk, "jsonl"), params)) == b""
    assert read_json(api.get(EXPORT.format(lines.pk, "geojson"), params))["features"] == []
    assert content(api.get(EXPORT.format(lines.pk, "csv"), params)).decode("utf-8-sig").splitlines() == [
        LINES_CSV.splitlines()[0]]
    fields, _rows = _rows_api(api, lines, {})
    assert export_records("parquet", content(api.get(EXPORT.format(lines.pk, "parquet"), params)), fields) == []


def test_geometry_columns_become_feature_geometries(django_capture_on_commit_callbacks, publisher, make_dataset, api):
    parks = add_table(django_capture_on_commit_callbacks, publisher, make_dataset("parks", with_file=False),
                      name="parks.geojson", content=geojson_bytes(), content_type="application/geo+json")
    collection = read_json(api.get(EXPORT.format(parks.pk, "geojson")))
    source = json.loads(geojson_bytes())["features"]
    assert [f["geometry"] for f in collection["features"]] == [f["geometry"] for f in source]
    assert [f["properties"] for f in collection["features"]] == [f["properties"] for f in source]


def test_a_geometry_that_is_not_json_is_a_null_geometry(django_capture_on_commit_callbacks, publisher, make_dataset, api):
    text = 'name,shape\nA,"{""type"":""Point"",""coordinates"":[1,2]}"\nB,not json\nC,\n'
    schema = {"fields": [{"name": "shape", "type": "geojson"}]}
    shapes = add_table(django_capture_on_commit_callbacks, publisher, make_dataset("shapes", with_file=False),
                       name="shapes.csv", content=text.encode(), data={"table_schema": schema})
    features = read_json(api.get(EXPORT.format(shapes.pk, "geojson")))["features"]
    assert [f["geometry"] for f in features] == [{"type": "Point", "coordinates": [1, 2]}, None, None]
    assert [f["properties"] for f in features] == [{"name": "A"}, {"name": "B"}, {"name": "C"}]


# --- a client going away mid-export (a live server: tests/server_support.py) ----------------------

SEED = r"""
import django, json, sys
django.setup()
from datastore_support import seed_loaded_table
print(json.dumps(seed_loaded_table(int(sys.argv[1]))))
"""
BIG_ROWS = 120_000  # ~58 MB of CSV: several times what the sockets between database, server and client hold


def _rows_read(database, table):
    """Rows the database has read from `table` so far (as its statistics have them: a backend reports when idle)."""
    row = database.execute("SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_user_tables "
                           "WHERE relname = %s", [table]).fetchone()
    return row[0]


def _running_copies(database, name):
    return database.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                            "AND query LIKE 'COPY (SELECT %%'", [name]).fetchone()[0]


@pytest.mark.slow
@pytest.mark.django_db(databases=[])
def test_a_client_going_away_mid_export_cancels_the_query(tmp_path):
    import socket
    import struct
    from urllib.parse import urlsplit

    import psycopg
    from fault_support import poll
    from server_support import gunicorn, http_get, run_python, server_database, server_environment

    with server_database("exports") as url:
        env = server_environment(url, tmp_path / "media")
        with gunicorn(env, tmp_path / "gunicorn.log", workers=1) as base, \
                psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as database:
            seeded = json.loads(run_python(env, SEED, str(BIG_ROWS)))
            assert seeded["rows"] == BIG_ROWS
            name = urlsplit(url).path.lstrip("/")
            read_before = _rows_read(database, seeded["table"])

            address = urlsplit(base)
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a slow reader's small window
            client.connect((address.hostname, address.port))
            client.sendall(f"GET /download/resources/{seeded['resource']}/data.csv HTTP/1.1\r\n"
                           f"Host: {address.hostname}\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while len(received) < 8192:
                received += client.recv(4096)
            assert received.startswith(b"HTTP/1.1 200"), received[:300]
            # The client reads no more: the COPY waits for the server, which waits for the client.
            poll(lambda: _running_copies(database, name) == 1, timeout=30, what="the COPY running")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, as a crash would
            client.close()

            poll(lambda: _running_copies(database, name) == 0, timeout=30, what="the COPY stopping")
            read = poll(lambda: _rows_read(database, seeded["table"]) - read_before, timeout=30,
                        what="the export's reads reported")
            assert read < BIG_ROWS / 2, f"{read} of {BIG_ROWS} rows read: the query ran on after the client left"

            # The same worker, on the same database connection, answers the next request.
            status, _headers, body = http_get(f"{base}/api/v1/resources/{seeded['resource']}/rows/?limit=1")
            assert status == 200 and json.loads(body)["total"] == BIG_ROWS
