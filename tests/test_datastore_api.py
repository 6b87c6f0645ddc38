"""The data API against PostgreSQL: queries, aggregations, formats, bad input and the grade rules."""
import base64
import csv
import io
import json

import pytest
from django.core.management import call_command

from apikeys_support import key_client
from datastore_support import add_table, content, read_json

pytestmark = pytest.mark.django_db

ROWS = "/api/v1/resources/{}/rows/"
AGGREGATE = "/api/v1/resources/{}/aggregate/"
SCHEMA = "/api/v1/resources/{}/schema/"
STATUS = "/api/v1/resources/{}/datastore/"
EXPORT = "/download/resources/{}/data.{}"


@pytest.fixture
def stations(django_capture_on_commit_callbacks, publisher, make_dataset):
    dataset = make_dataset("metro-stations", with_file=False)
    return add_table(django_capture_on_commit_callbacks, publisher, dataset)


def get(api, url, **params):
    response = api.get(url, params)
    assert response.status_code == 200, content(response)
    return read_json(response)


def names(body, column="站名"):
    return [row[column] for row in body["rows"]]


# --- queries ------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"filter[区]": "浦东"}, ["陆家嘴", "张江高科"]),
    ({"filter[区][ne]": "浦东", "sort": "站名"}, ["人民广场", "徐家汇", "虹桥火车站"]),
    ({"filter[客流][gt]": "98000"}, ["人民广场", "虹桥火车站"]),
    ({"filter[客流][gte]": "98000"}, ["人民广场", "徐家汇", "虹桥火车站"]),
    ({"filter[客流][lt]": "87000"}, ["张江高科"]),
    ({"filter[客流][lte]": "87000"}, ["陆家嘴", "张江高科"]),
    ({"filter[开通日期][gt]": "2000-01-01", "filter[开通日期][lt]": "2005-01-01"}, ["陆家嘴", "张江高科"]),
    ({"filter[区][in]": "徐汇,闵行"}, ["徐家汇", "虹桥火车站"]),
    ({"filter[站名][contains]": "火车"}, ["虹桥火车站"]),
    ({"filter[备注][isnull]": "true"}, ["陆家嘴"]),
    ({"filter[备注][isnull]": "false", "filter[区]": "浦东"}, ["张江高科"]),
    ({"q": "换乘"}, ["徐家汇"]),
    ({"q": "浦东 张江"}, ["张江高科"]),
    ({"sort": "-客流"}, ["虹桥火车站", "人民广场", "徐家汇", "陆家嘴", "张江高科"]),
    ({"sort": "开通日期,-客流"}, ["人民广场", "徐家汇", "陆家嘴", "张江高科", "虹桥火车站"]),
])
def test_filters_search_and_sort(api, stations, params, expected):
    assert names(get(api, ROWS.format(stations.pk), **params)) == expected


@pytest.mark.parametrize("sort", ["备注", "-备注"])
def test_nulls_sort_last_both_ways(api, stations, sort):
    assert names(get(api, ROWS.format(stations.pk), sort=sort))[-1] == "陆家嘴"


def test_fields_limit_offset_and_total(api, stations):
    body = get(api, ROWS.format(stations.pk), fields="站名,客流", sort="-客流", limit=2, offset=1)
    assert body["fields"] == [{"name": "站名", "type": "string"}, {"name": "客流", "type": "integer"}]
    assert body["rows"] == [{"_id": 1, "站名": "人民广场", "客流": 120000}, {"_id": 2, "站名": "徐家汇", "客流": 98000}]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)


@pytest.mark.parametrize("sort", ["", "-客流", "备注", "-备注,站名", "开通日期,-区"])
def test_cursor_pages_through_every_row_once(api, stations, sort):
    expected = names(get(api, ROWS.format(stations.pk), sort=sort))
    seen, cursor = [], None
    for _page in range(10):
        params = {"sort": sort, "limit": 2, "fields": "站名", **({"cursor": cursor} if cursor else {})}
        body = get(api, ROWS.format(stations.pk), **params)
        seen += names(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_aggregations_grouped_and_overall(api, stations):
    body = get(api, AGGREGATE.format(stations.pk), group_by="区",
               metrics="count,sum:客流,avg:客流,min:开通日期,max:客流", sort="-count,区")
    assert [f["name"] for f in body["fields"]] == ["区", "count", "sum(客流)", "avg(客流)", "min(开通日期)", "max(客流)"]
    assert body["rows"][0] == {"区": "浦东", "count": 2, "sum(客流)": 130000, "avg(客流)": 65000,
                               "min(开通日期)": "2000-06-11", "max(客流)": 87000}
    assert [row["区"] for row in body["rows"][1:]] == ["徐汇", "闵行", "黄浦"]
    overall = get(api, AGGREGATE.format(stations.pk), metrics="count,count:备注", **{"filter[客流][gt]": "50000"})
    assert overall["rows"] == [{"count": 4, "count(备注)": 3}]


# --- formats ------------------------------------------------------------------------

def test_csv_is_streamed_with_formulas_defused(api, stations):
    response = api.get(EXPORT.format(stations.pk, "csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = content(response).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    assert records[0] == ["站名", "区", "客流", "开通日期", "经度", "纬度", "备注"]
    assert len(records) == 6
    assert records[1][6] == "'=HYPERLINK(\"http://evil\")"
    assert records[5][6] == "'+1 起步"
    assert records[4][6] == '含逗号, 与引号"'
    same = api.get(ROWS.format(stations.pk), {"format": "csv", "fields": "站名", "limit": 2})
    assert content(same).decode("utf-8-sig").splitlines() == ["站名", "人民广场", "徐家汇"]


def test_json_geojson_xlsx_and_parquet_exports(api, stations):
    records = read_json(api.get(EXPORT.format(stations.pk, "json")))
    assert len(records) == 5 and records[0]["站名"] == "人民广场" and "_id" not in records[0]

    collection = read_json(api.get(EXPORT.format(stations.pk, "geojson")))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 5
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [121.4737, 31.2304]}
    assert collection["features"][0]["properties"]["站名"] == "人民广场"

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content(api.get(EXPORT.format(stations.pk, "xlsx")))), read_only=True)
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sheet[0] == ("站名", "区", "客流", "开通日期", "经度", "纬度", "备注")
    assert sheet[1][:3] == ("人民广场", "黄浦", 120000) and sheet[1][6] == "'=HYPERLINK(\"http://evil\")"
    assert len(sheet) == 6

    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(content(api.get(EXPORT.format(stations.pk, "parquet")))))
    assert table.num_rows == 5
    assert str(table.schema.field("客流").type) == "int64"
    assert str(table.schema.field("开通日期").type) == "date32[day]"
    assert table.column("站名").to_pylist()[0] == "人民广场"


def test_an_export_counts_as_a_download(api, stations):
    from datasets.models import Resource

    assert content(api.get(EXPORT.format(stations.pk, "csv")))  # counted when the streamed body closes
    assert Resource.objects.get(pk=stations.pk).download_count == 1


def test_geojson_needs_coordinates(django_capture_on_commit_callbacks, publisher, make_dataset, api):
    dataset = make_dataset("plain", with_file=False)
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, content="a,b\n1,2\n".encode())
    response = api.get(ROWS.format(resource.pk), {"format": "geojson"})
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]


# --- bad input --------------------------------------------------------------------

@pytest.mark.parametrize("url, params, field", [
    (ROWS, {"filter[没有这列]": "1"}, "filter[没有这列]"),
    (ROWS, {"filter[客流][like]": "1"}, "filter[客流][like]"),
    (ROWS, {"filter[客流]": "很多"}, "filter[客流]"),
    (ROWS, {"filter[客流][in]": "1,two"}, "filter[客流][in]"),
    (ROWS, {"filter[开通日期][gt]": "2024-02-30"}, "filter[开通日期][gt]"),
    (ROWS, {"filter[备注][isnull]": "maybe"}, "filter[备注][isnull]"),
    (ROWS, {"limit": "1001"}, "limit"),
    (ROWS, {"limit": "-1"}, "limit"),
    (ROWS, {"offset": "abc"}, "offset"),
    (ROWS, {"cursor": "not-a-cursor"}, "cursor"),
    (ROWS, {"cursor": base64.urlsafe_b64encode(b'["x"]').decode(), "sort": "客流"}, "cursor"),
    (ROWS, {"cursor": base64.urlsafe_b64encode(json.dumps([1, 2]).encode()).decode(), "offset": "5"}, "cursor"),
    (ROWS, {"sort": "客流; DROP TABLE datasets_dataset"}, "sort"),
    (ROWS, {"fields": "站名,\"; SELECT 1 --"}, "fields"),
    (ROWS, {"filter[客流]": "1 OR 1=1"}, "filter[客流]"),
    (ROWS, {"filter[站名) OR (1=1]": "x"}, "filter[站名) OR (1=1]"),
    (ROWS, {"format": "pdf"}, "format"),
    (ROWS, {"page": "2"}, "page"),
    (AGGREGATE, {"metrics": "median:客流"}, "metrics"),
    (AGGREGATE, {"metrics": "sum:站名"}, "metrics"),
    (AGGREGATE, {"metrics": "sum"}, "metrics"),
    (AGGREGATE, {"group_by": "区 UNION SELECT"}, "group_by"),
    (AGGREGATE, {"group_by": "区", "sort": "客流"}, "sort"),
    (AGGREGATE, {"format": "geojson"}, "format"),
])
def test_bad_parameters_are_400_naming_the_parameter(api, stations, url, params, field):
    response = api.get(url.format(stations.pk), params)
    assert response.status_code == 400, content(response)
    assert field in response.json()["error"]["fields"], response.json()


def test_sql_in_a_value_is_only_a_value(api, stations):
    evil = "x'); DROP TABLE datasets_dataset; --"
    assert get(api, ROWS.format(stations.pk), **{"filter[站名]": evil})["rows"] == []
    assert get(api, ROWS.format(stations.pk), q=evil)["total"] == 0
    assert get(api, ROWS.format(stations.pk))["total"] == 5


def test_unknown_or_unloaded_resources_are_404(api, make_dataset):
    assert api.get(ROWS.format(999999)).status_code == 404
    dataset = make_dataset("not-loaded")  # its CSV was added, but its load never ran (no commit)
    resource = dataset.resources.get()
    response = api.get(ROWS.format(resource.pk))
    assert response.status_code == 404
    assert "resource" in response.json()["error"]["fields"]


# --- grades ---------------------------------------------------------------------------

@pytest.fixture
def graded_tables(django_capture_on_commit_callbacks, graded_datasets, publisher):
    return {grade: add_table(django_capture_on_commit_callbacks, publisher, dataset)
            for grade, dataset in graded_datasets.items()}


# Who gets the rows of each grade: 200 data, 403 metadata only, 404 not there at all.
EXPECTED = {
    "anonymous": {"open": 200, "conditional": 403, "restricted": 404, "draft": 404},
    "citizen": {"open": 200, "conditional": 403, "restricted": 404, "draft": 404},
    "other_publisher": {"open": 200, "conditional": 403, "restricted": 404, "draft": 404},
    "publisher": {"open": 200, "conditional": 200, "restricted": 200, "draft": 200},
    "staff": {"open": 200, "conditional": 200, "restricted": 200, "draft": 200},
}
ENDPOINTS = [STATUS, SCHEMA, ROWS, AGGREGATE, "/download/resources/{}/data.csv"]


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_grades_apply_to_every_endpoint(request, api, api_as, graded_tables, who, endpoint):
    client = api if who == "anonymous" else api_as(request.getfixturevalue(who))
    for grade, resource in graded_tables.items():
        response = client.get(endpoint.format(resource.pk))
        assert response.status_code == EXPECTED[who][grade], (grade, content(response))
        if response.status_code == 200 and endpoint == ROWS:
            assert read_json(response)["total"] == 5


def test_the_data_page_follows_the_grades(client, graded_tables, other_publisher, publisher):
    assert client.get(f"/resources/{graded_tables['restricted'].pk}/data/").status_code == 404
    locked = client.get(f"/resources/{graded_tables['conditional'].pk}/data/")
    assert locked.status_code == 200 and b'id="datastore"' not in locked.content
    opened = client.get(f"/resources/{graded_tables['open'].pk}/data/")
    assert b'id="datastore"' in opened.content and b"data-rows-url" in opened.content
    client.force_login(publisher)
    assert b'id="datastore"' in client.get(f"/resources/{graded_tables['conditional'].pk}/data/").content


def test_a_key_with_a_grant_reads_conditional_rows_and_each_call_is_audited(
    django_capture_on_commit_callbacks, publisher, granted, data_key, conditional, enterprise_admin
):
    from audit.models import AuditEntry

    resource = add_table(django_capture_on_commit_callbacks, publisher, conditional)
    client = key_client(data_key)
    before = AuditEntry.objects.filter(resource=resource).count()
    for url in (ROWS.format(resource.pk), AGGREGATE.format(resource.pk), EXPORT.format(resource.pk, "csv")):
        response = client.get(url)
        body = content(response)  # reading the body to its end closes the response: audited then
        assert response.status_code == 200, body
    # Rows and aggregates are data queries, the export a download; repeats within a minute are summed by the flush.
    call_command("flush_audit_repeats", "--now")
    entries = AuditEntry.objects.filter(resource=resource)
    assert {entry.action for entry in entries} == {"data_query", "data_download"}
    assert sum(entry.detail.get("repeats", 1) for entry in entries) == before + 3
    assert all(entry.api_key_id and entry.bytes > 0 for entry in entries)


def test_a_key_without_a_grant_is_refused_conditional_rows(django_capture_on_commit_callbacks, publisher, data_key, conditional):
    resource = add_table(django_capture_on_commit_callbacks, publisher, conditional)
    response = key_client(data_key).get(ROWS.format(resource.pk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "grant_required"


def test_the_data_api_is_in_the_openapi_schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for suffix in ("rows", "aggregate", "schema", "datastore"):
        assert f"/api/v1/resources/{{resource_id}}/{suffix}/" in paths
    rows = paths["/api/v1/resources/{resource_id}/rows/"]["get"]
    assert {"filter", "q", "sort", "fields", "limit", "offset", "cursor", "format"} <= {p["name"] for p in rows["parameters"]}
    assert "/download/resources/{resource_id}/data.{fmt}" in paths
