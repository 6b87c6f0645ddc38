"""Shared helpers of the datastore tests (no tests here): tabular files and loading them through the services."""
import io
import json
import os
import subprocess
import sys

from django.conf import settings

from api_support import upload
from datasets.services.resources import add_file_resource, replace_resource_file

# What a deployment sets; a subprocess on the embedded defaults starts from the test environment minus these.
SERVICE_VARIABLES = (
    "DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND", "SEARCH_INDEX_PREFIX",
    "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT",
)

STATIONS_HEADER = "站名,区,客流,开通日期,经度,纬度,备注\n"
STATIONS_ROWS = [
    "人民广场,黄浦,120000,1995-04-10,121.4737,31.2304,\"=HYPERLINK(\"\"http://evil\"\")\"\n",
    "徐家汇,徐汇,98000,1995-04-10,121.4375,31.1951,换乘站\n",
    "陆家嘴,浦东,87000,2000-06-11,121.5055,31.2397,NA\n",
    "虹桥火车站,闵行,150000,2010-03-16,121.3204,31.1941,\"含逗号, 与引号\"\"\"\n",
    "张江高科,浦东,43000,2000-06-11,121.5873,31.2023,+1 起步\n",
]
STATIONS_CSV = STATIONS_HEADER + "".join(STATIONS_ROWS)


def csv_bytes(text=STATIONS_CSV, encoding="utf-8"):
    return text.encode(encoding)


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def geojson_bytes():
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "公园 A", "面积": 12.5},
         "geometry": {"type": "Point", "coordinates": [121.47, 31.23]}},
        {"type": "Feature", "properties": {"名称": "公园 B", "面积": 3},
         "geometry": {"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]]}},
    ]}, ensure_ascii=False).encode()


def add_table(capture, user, dataset, name="stations.csv", content=None, data=None, content_type="text/csv"):
    """Add a file resource and run what its commit triggers (the datastore load) now."""
    with capture(execute=True):
        return add_file_resource(
            user=user, dataset=dataset, uploaded=upload(name, csv_bytes() if content is None else content, content_type),
            data=data,
        )


def replace_table(capture, user, resource, name, content):
    with capture(execute=True):
        return replace_resource_file(user=user, resource=resource, uploaded=upload(name, content))


def content(response):
    """The body of a response, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_json(response):
    return json.loads(content(response))


def _typed(text, kind):
    """A CSV or TSV cell as the rows API gives its value (an empty cell is null)."""
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return {"true": True, "false": False}[text]
    return text


def export_records(fmt, body, fields):
    """The rows of an export of `fields` ([{name, type}]) as {name: value}, the rows API's way of showing them."""
    import csv
    import datetime

    names = [field["name"] for field in fields]
    kinds = [field["type"] for field in fields]
    if fmt in ("csv", "tsv"):
        lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter="," if fmt == "csv" else "\t"))
        assert lines[0] == names, lines[0]
        return [dict(zip(names, (_typed(cell, kind) for cell, kind in zip(line, kinds)))) for line in lines[1:]]
    if fmt == "json":
        return json.loads(body)
    if fmt == "jsonl":
        return [json.loads(line) for line in body.decode().splitlines()]
    if fmt == "geojson":
        return [feature["properties"] for feature in json.loads(body)["features"]]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))
        assert list(sheet[0]) == names, sheet[0]
        # A row's trailing empty cells are not written at all.
        return [dict(zip(names, list(line) + [None] * (len(names) - len(line)))) for line in sheet[1:]]
    import pyarrow.parquet as pq

    def shown(value):
        if isinstance(value, datetime.datetime):
            text = value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            return text + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "") + "Z"
        return value.isoformat() if isinstance(value, datetime.date) else value

    table = pq.read_table(io.BytesIO(body))
    assert table.column_names == names
    return [{name: shown(value) for name, value in row.items()} for row in table.to_pylist()]


def defused(records, fields):
    """What a spreadsheet format holds for these records: text cells defused against formulas."""
    from core.spreadsheets import safe_cell

    text = {field["name"] for field in fields if field["type"] == "string"}
    return [{name: safe_cell(value) if name in text and value is not None else value for name, value in record.items()}
            for record in records]


def seed_loaded_table(rows):
    """For a live server's own database: an open dataset whose CSV of `rows` rows of ~500 bytes is loaded.

    The load runs here, without the quality scan a stored version also triggers, nor the export files a load
    queues (not needed, and slow).
    Returns the resource's id, its table's name and row count.
    """
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from datasets import signals
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datastore import signals as datastore_signals
    from datastore.models import DatastoreTable
    from datastore.tasks import load_resource_version
    from organizations.models import Membership
    from organizations.services import add_member, save_organization

    signals.resource_version_created.receivers.clear()
    datastore_signals.table_loaded.receivers.clear()
    users = get_user_model().objects
    staff, publisher = users.create_user("staff", is_staff=True, is_superuser=True), users.create_user("publisher")
    organization = save_organization(user=staff, data={"slug": "roads", "kind": "government", "name_zh": "道路"})
    add_member(user=staff, organization=organization, member=publisher, role=Membership.Role.PUBLISHER)
    dataset = create_dataset(user=publisher, organization=organization, data={
        "identifier": "road-segments", "title": "路段", "open_grade": "open", "licence": "cc-by-4.0"})
    text = "n,note\n" + "".join(f"{n},{'路段' * 80}{n}\n" for n in range(rows))
    resource = add_file_resource(user=publisher, dataset=dataset, uploaded=SimpleUploadedFile(
        "segments.csv", text.encode(), content_type="text/csv"))
    publish_dataset(user=publisher, dataset=dataset)
    load_resource_version.apply(args=[resource.current_version_id]).get()
    table = DatastoreTable.objects.get(version_id=resource.current_version_id)
    return {"resource": resource.pk, "table": table.table_name, "rows": table.row_count}


def run_on_sqlite(script, tmp_path):
    """Run a script on the embedded defaults (portal.settings.dev, SQLite, eager tasks) in a subprocess.

    The script prints "RESULT" and a JSON document; this returns the document.
    """
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "MEDIA_ROOT": str(tmp_path / "media")})
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return json.loads(result.stdout.split("RESULT", 1)[1])
