"""Loading tabular resources into tables: formats, encodings, types, versions, failures (PostgreSQL)."""
import pytest
from django.db import connection

from datastore.models import DatastoreTable
from datastore_support import add_table, geojson_bytes, read_json, replace_table, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(make_dataset):
    return make_dataset("metro-stations", with_file=False)


def schema(api_as, user, resource):
    response = api_as(user).get(f"/api/v1/resources/{resource.pk}/schema/")
    assert response.status_code == 200, response.content
    return response.json()


def rows(api_as, user, resource, **params):
    response = api_as(user).get(f"/api/v1/resources/{resource.pk}/rows/", params)
    assert response.status_code == 200, response.content
    return read_json(response)


def table_exists(name):
    return name in connection.introspection.table_names()


def test_a_csv_loads_with_inferred_types(django_capture_on_commit_callbacks, publisher, dataset, api_as):
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset)

    body = schema(api_as, publisher, resource)
    assert body["row_count"] == 5
    assert [(f["name"], f["type"]) for f in body["fields"]] == [
        ("站名", "string"), ("区", "string"), ("客流", "integer"), ("开通日期", "date"),
        ("经度", "number"), ("纬度", "number"), ("备注", "string"),
    ]
    assert body["geo"] == ["point", "经度", "纬度"]
    first = rows(api_as, publisher, resource, limit=1)["rows"][0]
    assert first == {"_id": 1, "站名": "人民广场", "区": "黄浦", "客流": 120000, "开通日期": "1995-04-10",
                     "经度": 121.4737, "纬度": 31.2304, "备注": '=HYPERLINK("http://evil")'}
    third = rows(api_as, publisher, resource, **{"filter[站名]": "陆家嘴"})["rows"][0]
    assert third["备注"] is None  # "NA" is a missing value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5"])
def test_text_encodings_are_detected(django_capture_on_commit_callbacks, publisher, dataset, api_as, encoding):
    text = "站名,人數\n臺北車站,100\n高雄車站,80\n" if encoding == "big5" else "站名,人数\n人民广场,100\n徐家汇,80\n"
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, content=text.encode(encoding))

    body = rows(api_as, publisher, resource, sort="-人數" if encoding == "big5" else "-人数")
    names = [row["站名"] for row in body["rows"]]
    assert names == (["臺北車站", "高雄車站"] if encoding == "big5" else ["人民广场", "徐家汇"])
    load = api_as(publisher).get(f"/api/v1/resources/{resource.pk}/datastore/").json()["active"]
    assert load["encoding"] == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030",
                                "gbk": "gb18030", "big5": "big5"}[encoding]


def test_tsv_xlsx_json_and_geojson_load(django_capture_on_commit_callbacks, publisher, dataset, api_as):
    tsv = add_table(django_capture_on_commit_callbacks, publisher, dataset, "a.tsv",
                    "名称\t数量\n甲\t1\n乙\t2\n".encode(), content_type="text/tab-separated-values")
    xlsx = add_table(django_capture_on_commit_callbacks, publisher, dataset, "b.xlsx",
                     xlsx_bytes([["名称", "数量", "日期"], ["甲", 1, "2024-01-02"], ["乙", 2.5, None]]),
                     content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    array = add_table(django_capture_on_commit_callbacks, publisher, dataset, "c.json",
                      '[{"名称": "甲", "数量": 1, "开放": true}, {"名称": "乙", "开放": false, "标签": ["x"]}]'.encode(),
                      content_type="application/json")
    geo = add_table(django_capture_on_commit_callbacks, publisher, dataset, "d.geojson", geojson_bytes(),
                    content_type="application/geo+json")

    assert [(f["name"], f["type"]) for f in schema(api_as, publisher, tsv)["fields"]] == [("名称", "string"), ("数量", "integer")]
    assert [(f["name"], f["type"]) for f in schema(api_as, publisher, xlsx)["fields"]] == [
        ("名称", "string"), ("数量", "number"), ("日期", "date")]
    assert rows(api_as, publisher, array)["rows"] == [
        {"_id": 1, "名称": "甲", "数量": 1, "开放": True, "标签": None},
        {"_id": 2, "名称": "乙", "数量": None, "开放": False, "标签": '["x"]'},
    ]
    geo_schema = schema(api_as, publisher, geo)
    assert geo_schema["geo"] == ["geometry", "geometry"]
    assert [(f["name"], f["type"]) for f in geo_schema["fields"]] == [("名称", "string"), ("面积", "number"), ("geometry", "geometry")]


def test_declared_types_are_used_and_a_violation_fails_the_load(django_capture_on_commit_callbacks, publisher, dataset, api_as):
    declared = {"fields": [{"name": "客流", "type": "number"}, {"name": "开通日期", "type": "string"},
                           {"name": "站名", "type": "string", "constraints": {"unique": True}}]}
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, data={"table_schema": declared})
    body = schema(api_as, publisher, resource)
    types = {f["name"]: f["type"] for f in body["fields"]}
    assert types["客流"] == "number" and types["开通日期"] == "string"
    assert [f["name"] for f in body["fields"] if f["indexed"]] == ["站名"]

    wrong = {"fields": [{"name": "区", "type": "integer"}]}
    failing = add_table(django_capture_on_commit_callbacks, publisher, dataset, data={"table_schema": wrong})
    load = api_as(publisher).get(f"/api/v1/resources/{failing.pk}/datastore/").json()
    assert load["active"] is None
    assert load["latest"]["status"] == "failed"
    assert "区" in load["latest"]["errors"][0] and "5" in load["latest"]["errors"][0]
    response = api_as(publisher).get(f"/api/v1/resources/{failing.pk}/rows/")
    assert response.status_code == 404
    assert "resource" in read_json(response)["error"]["fields"]


def test_a_new_version_replaces_the_table_and_a_failed_one_leaves_it_serving(
    django_capture_on_commit_callbacks, publisher, dataset, api_as
):
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset)
    first = DatastoreTable.objects.get(resource=resource)

    replace_table(django_capture_on_commit_callbacks, publisher, resource, "v2.csv", "站名,客流\n新站,1\n".encode())
    body = rows(api_as, publisher, resource)
    assert body["total"] == 1 and body["rows"][0]["站名"] == "新站"

    # A ragged file fails; version 2 keeps serving, and the failure is reported.
    replace_table(django_capture_on_commit_callbacks, publisher, resource, "v3.csv", "站名,客流\n坏站,1,多余\n".encode())
    assert rows(api_as, publisher, resource)["rows"][0]["站名"] == "新站"
    status = api_as(publisher).get(f"/api/v1/resources/{resource.pk}/datastore/").json()
    assert status["active"]["version"] == 2
    assert status["latest"]["version"] == 3 and status["latest"]["status"] == "failed"
    assert status["latest"]["errors"] and not table_exists("ds_%d_3" % resource.pk)

    replace_table(django_capture_on_commit_callbacks, publisher, resource, "v4.csv", "站名,客流\n四号站,4\n".encode())
    assert rows(api_as, publisher, resource)["rows"][0]["站名"] == "四号站"
    # The version before the active one stays for requests still reading it; older ones are dropped.
    assert table_exists("ds_%d_2" % resource.pk)
    assert not table_exists(first.table_name)


def test_loading_again_is_idempotent(django_capture_on_commit_callbacks, publisher, dataset):
    from datastore.tasks import load_resource_version

    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset)
    table = DatastoreTable.objects.get(resource=resource)
    load_resource_version.delay(resource.current_version_id)
    again = DatastoreTable.objects.get(pk=table.pk)
    assert (again.status, again.row_count, again.finished) == ("ready", 5, table.finished)


def test_deleting_a_resource_drops_its_table(django_capture_on_commit_callbacks, publisher, dataset):
    from datasets.services.resources import delete_resource

    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset)
    name = DatastoreTable.objects.get(resource=resource).table_name
    assert table_exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        delete_resource(user=publisher, resource=resource)
    assert not table_exists(name)


def test_a_non_tabular_file_gets_no_table(django_capture_on_commit_callbacks, publisher, dataset, api_as):
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, "doc.pdf", b"%PDF-1.4 test",
                         content_type="application/pdf")
    assert not DatastoreTable.objects.filter(resource=resource).exists()
    response = api_as(publisher).get(f"/api/v1/resources/{resource.pk}/rows/")
    assert response.status_code == 404
    assert response.json()["error"]["fields"]["resource"]


def test_a_csv_split_across_copy_chunks_loads_whole(django_capture_on_commit_callbacks, publisher, dataset, api_as, monkeypatch):
    from datastore import loading

    monkeypatch.setattr(loading, "CHUNK_BYTES", 64)  # many COPY batches, quoted newlines cut across them
    text = "名称,说明\n" + "".join(f'站{i},"第一行\n第二行 ""{i}"""\n' for i in range(50))
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, content=text.encode("gb18030"))
    body = rows(api_as, publisher, resource, limit=100)
    assert body["total"] == 50
    assert [row["说明"] for row in body["rows"]] == [f'第一行\n第二行 "{i}"' for i in range(50)]


def test_a_value_beyond_the_sample_widens_the_column(django_capture_on_commit_callbacks, publisher, dataset, api_as):
    from datastore.readers import SAMPLE_ROWS

    lines = ["编号,读数"] + [f"{i},{i}" for i in range(SAMPLE_ROWS + 5)] + ["末行,3.5"]
    resource = add_table(django_capture_on_commit_callbacks, publisher, dataset, content=("\n".join(lines) + "\n").encode())

    types = {f["name"]: f["type"] for f in schema(api_as, publisher, resource)["fields"]}
    assert types == {"编号": "string", "读数": "number"}
    assert schema(api_as, publisher, resource)["row_count"] == SAMPLE_ROWS + 6
    last = rows(api_as, publisher, resource, **{"filter[编号]": "末行"})["rows"]
    assert last[0]["读数"] == 3.5
