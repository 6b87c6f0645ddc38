"""The datastore on the embedded default: SQLite, eager tasks (portal.settings.dev in a subprocess)."""
import base64

from datastore_support import defused, export_records, run_on_sqlite

SCRIPT = r'''
import io, json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from organizations.models import Membership
from datasets.services.lifecycle import create_dataset, publish_dataset
from organizations.services import add_member, save_organization
from datasets.services.resources import add_file_resource

User = get_user_model()
staff = User.objects.create_user("staff", password="pw", is_staff=True, is_superuser=True)
publisher = User.objects.create_user("publisher", password="pw")
org = save_organization(user=staff, data={"slug": "transport", "kind": "government", "name_zh": "交通"})
add_member(user=staff, organization=org, member=publisher, role=Membership.Role.PUBLISHER)
dataset = create_dataset(user=publisher, organization=org, data={
    "identifier": "stations", "title": "站点", "open_grade": "open", "licence": "cc-by-4.0", "themes": ["transport"]})
csv_text = ("站名,区,客流,开通日期,更新时间,经度,纬度,备注\n"
            "人民广场,黄浦,120000,1995-04-10,2024-01-01T08:00:00+08:00,121.4737,31.2304,=1+1\n"
            "徐家汇,徐汇,98000,1995-04-10,2024-01-01 01:00:00,121.4375,31.1951,换乘站\n"
            "陆家嘴,浦东,87000,2000-06-11,2024-01-02T00:00:00Z,121.5055,31.2397,NA\n"
            "张江高科,浦东,43000,2000-06-11,2024-01-03T00:00:00Z,121.5873,31.2023,\n")
resource = add_file_resource(user=publisher, dataset=dataset,
    uploaded=SimpleUploadedFile("s.csv", csv_text.encode("gb18030"), content_type="text/csv"))
publish_dataset(user=publisher, dataset=dataset)

client = Client()
def get(url, **params):
    response = client.get(url, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body

out = {}
base = f"/api/v1/resources/{resource.pk}/"
status, body = get(base + "schema/")
out["schema"] = [status, json.loads(body)]
status, body = get(base + "rows/", **{"filter[区]": "浦东", "sort": "-客流", "fields": "站名,客流"})
out["filtered"] = [status, json.loads(body)]
status, body = get(base + "rows/", **{"filter[更新时间][lt]": "2024-01-01T12:00:00Z", "sort": "站名"})
out["datetime"] = [status, [row["站名"] for row in json.loads(body)["rows"]]]
status, body = get(base + "rows/", **{"filter[备注][isnull]": "true", "q": "浦东"})
out["nulls"] = [status, [row["站名"] for row in json.loads(body)["rows"]]]
pages, cursor = [], None
while True:
    params = {"sort": "开通日期,-客流", "limit": 1, **({"cursor": cursor} if cursor else {})}
    status, body = get(base + "rows/", **params)
    page = json.loads(body)
    pages += [row["站名"] for row in page["rows"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
out["cursor"] = pages
status, body = get(base + "aggregate/", group_by="区", metrics="count,sum:客流,avg:客流", sort="-sum(客流)")
out["aggregate"] = [status, json.loads(body)["rows"]]
status, body = get(base + "rows/", **{"filter[客流]": "many"})
out["bad"] = [status, json.loads(body)]
status, body = get(f"/download/resources/{resource.pk}/data.csv")
out["csv"] = [status, body.decode("utf-8-sig")]
status, body = get(f"/download/resources/{resource.pk}/data.geojson")
out["geojson"] = [status, len(json.loads(body)["features"])]
import pyarrow.parquet as pq
status, body = get(f"/download/resources/{resource.pk}/data.parquet")
out["parquet"] = [status, pq.read_table(io.BytesIO(body)).num_rows]
from openpyxl import load_workbook
status, body = get(f"/download/resources/{resource.pk}/data.xlsx")
out["xlsx"] = [status, [list(r) for r in load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True)][:2]]
status, body = get(f"/resources/{resource.pk}/data/")
out["page"] = [status, b'id="datastore"' in body]
import base64
query = {"filter[客流][gte]": "50000", "sort": "-更新时间", "fields": "备注,站名,更新时间,客流,经度,纬度"}
status, body = get(base + "rows/", **query)
out["query"] = json.loads(body)
out["exports"] = {}
for fmt in ("csv", "tsv", "json", "jsonl", "geojson", "xlsx", "parquet"):
    status, body = get(f"/download/resources/{resource.pk}/data.{fmt}", **query)
    out["exports"][fmt] = [status, base64.b64encode(body).decode()]
from datastore.models import ExportFile
out["export_files"] = sorted([e.format, e.status] for e in ExportFile.objects.filter(table__resource=resource))
status, body = get(base + "rows/", limit=1000)
out["whole"] = json.loads(body)
out["whole_exports"] = {}
for fmt in ("parquet", "xlsx"):
    status, body = get(f"/download/resources/{resource.pk}/data.{fmt}")
    out["whole_exports"][fmt] = [status, base64.b64encode(body).decode()]
print("RESULT" + json.dumps(out, ensure_ascii=False))
'''


def test_load_query_aggregate_and_export_on_sqlite(tmp_path):
    out = run_on_sqlite(SCRIPT, tmp_path)

    status, schema = out["schema"]
    assert status == 200
    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("站名", "string"), ("区", "string"), ("客流", "integer"), ("开通日期", "date"), ("更新时间", "datetime"),
        ("经度", "number"), ("纬度", "number"), ("备注", "string"),
    ]
    assert schema["row_count"] == 4 and schema["geo"] == ["point", "经度", "纬度"]
    assert out["filtered"][1]["rows"] == [{"_id": 3, "站名": "陆家嘴", "客流": 87000}, {"_id": 4, "站名": "张江高科", "客流": 43000}]
    # 08:00+08:00 and 01:00 (UTC) are both before 12:00Z; the others are later.
    assert out["datetime"] == [200, ["人民广场", "徐家汇"]]
    assert out["nulls"] == [200, ["陆家嘴", "张江高科"]]
    assert out["cursor"] == ["人民广场", "徐家汇", "陆家嘴", "张江高科"]
    assert out["aggregate"] == [200, [
        {"区": "浦东", "count": 2, "sum(客流)": 130000.0, "avg(客流)": 65000.0},
        {"区": "黄浦", "count": 1, "sum(客流)": 120000.0, "avg(客流)": 120000.0},
        {"区": "徐汇", "count": 1, "sum(客流)": 98000.0, "avg(客流)": 98000.0},
    ]]
    assert out["bad"][0] == 400 and "filter[客流]" in out["bad"][1]["error"]["fields"]
    status, text = out["csv"]
    assert status == 200
    lines = text.splitlines()
    assert lines[0] == "站名,区,客流,开通日期,更新时间,经度,纬度,备注"
    assert lines[1] == "人民广场,黄浦,120000,1995-04-10,2024-01-01T00:00:00Z,121.4737,31.2304,'=1+1"
    assert out["geojson"] == [200, 4]
    assert out["parquet"] == [200, 4]
    assert out["xlsx"][1][1][:3] == ["人民广场", "黄浦", 120000] and out["xlsx"][1][1][7] == "'=1+1"
    assert out["page"] == [200, True]
    fields = out["query"]["fields"]
    expected = [{k: v for k, v in row.items() if k != "_id"} for row in out["query"]["rows"]]
    assert [row["站名"] for row in expected] == ["陆家嘴", "徐家汇", "人民广场"]
    for fmt, (status, body) in out["exports"].items():
        assert status == 200, fmt
        records = export_records(fmt, base64.b64decode(body), fields)
        assert records == (defused(expected, fields) if fmt in ("csv", "tsv", "xlsx") else expected), fmt
    # The load wrote the whole-table files; they hold the rows API's rows.
    assert out["export_files"] == [["parquet", "ready"], ["xlsx", "ready"]]
    fields = out["whole"]["fields"]
    expected = [{k: v for k, v in row.items() if k != "_id"} for row in out["whole"]["rows"]]
    for fmt, (status, body) in out["whole_exports"].items():
        assert status == 200, fmt
        records = export_records(fmt, base64.b64decode(body), fields)
        assert records == (defused(expected, fields) if fmt == "xlsx" else expected), fmt
