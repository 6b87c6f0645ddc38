"""Harvest benchmark: a real catalog served over loopback HTTP, harvested on PostgreSQL with the index fed.

    python bench/harvest_bench.py                      # Elasticsearch as the search backend
    python bench/harvest_bench.py --search-backend database

Needs DATABASE_URL (PostgreSQL) and, for the default backend, ELASTICSEARCH_URL. In a database and
indices of its own (created, then dropped):

1. A loopback HTTP server serves the 14,744-record ArcGIS Hub `data.json` and the 11 federal catalogs
   merged into one 3,357-record `data.json` (../shared/data/catalogs/).
2. Each is a data.json HarvestSource (publishers mapped to organizations, published). Every run is
   `manage.py harvest_run` in a process of its own, as a worker runs one job: its records per second
   (the job's own started -> finished, search indexing included, eager as on a worker) and its peak
   memory (the process's maximum resident set).
3. ArcGIS: a first run (all created) and a second one (all unchanged); federal: a first run, for the
   peak memory between a 3,357- and a 14,744-record catalog.
4. The floor: `psql \\copy` of the same records' titles into a bare table, the fastest PostgreSQL takes
   rows in. Figures are printed as ratios against it, measured in the same run.
"""
import argparse
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from exchange_bench import database_url_of
from search_bench import configure, drop_bench_indices, fresh_database

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CATALOGS = REPO.parent / "shared" / "data" / "catalogs"
ARCGIS = "us-local-arcgis-hub.data.json.gz"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search-backend", choices=["elasticsearch", "database"], default="elasticsearch")
    return parser.parse_args()


def catalogs():
    """{path on the server: data.json bytes}: the ArcGIS catalog and the federal ones merged."""
    arcgis = gzip.decompress((CATALOGS / ARCGIS).read_bytes())
    federal = {"dataset": []}
    for path in sorted(CATALOGS.glob("us-federal-*.data.json.gz")):
        federal["dataset"].extend(json.loads(gzip.decompress(path.read_bytes()))["dataset"])
    return {"/arcgis.json": arcgis, "/federal.json": json.dumps(federal).encode()}


def serve(documents):
    """A threaded loopback server of `documents`; returns its base URL."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = documents.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def run_job(database_url, source):
    """`manage.py harvest_run` in a process of its own: (the job, its peak RSS in MiB)."""
    from harvest.models import HarvestJob

    env = {**os.environ, "DATABASE_URL": database_url, "HARVEST_ALLOW_PRIVATE_ADDRESSES": "true"}
    process = subprocess.Popen([sys.executable, "manage.py", "harvest_run", str(source.pk)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"harvest_run {source} exited with {status}")
    job = HarvestJob.objects.filter(source=source).order_by("-pk").first()
    return job, round(usage.ru_maxrss / 1024, 1)


def figures_of(job, peak_mib):
    seconds = (job.finished - job.started).total_seconds()
    return {"status": job.status, "read": job.read, "created": job.created_count, "updated": job.updated_count,
            "unchanged": job.unchanged_count, "failed": job.failed_count, "skipped": job.skipped_count,
            "seconds": round(seconds, 2), "records_per_s": round(job.read / seconds), "peak_rss_mib": peak_mib}


def copy_floor(database_url, document):
    """Records per second of `psql \\copy` of the catalog's titles into a bare table."""
    titles = [str(entry.get("title") or "").replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
              .replace("\r", " ") for entry in json.loads(document)["dataset"]]
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8") as handle:
        handle.write("\n".join(titles) + "\n")
        handle.flush()
        subprocess.run(["psql", database_url, "-q", "-c", "CREATE TABLE bench_titles (title text)"], check=True)
        started = time.perf_counter()
        subprocess.run(["psql", database_url, "-q", "-c", f"\\copy bench_titles (title) FROM '{handle.name}'"],
                       check=True)
        seconds = time.perf_counter() - started
    return {"records": len(titles), "seconds": round(seconds, 3), "records_per_s": round(len(titles) / seconds)}


def main():
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL (PostgreSQL)")
    configure(args.search_backend)
    from django.db import connection

    from harvest.models import HarvestSource, SourceKind
    from search.backends import get_search_backend

    documents = catalogs()
    base = serve(documents)
    results = {"search_backend": args.search_backend}
    with tempfile.TemporaryDirectory() as tmp:
        drop = fresh_database(Path(tmp))
        try:
            get_search_backend().rebuild()
            database_url = database_url_of(connection)
            sources = {name: HarvestSource.objects.create(name=name, kind=SourceKind.DATA_JSON,
                                                          url=f"{base}/{name}.json", publish=True)
                       for name in ("federal", "arcgis")}
            connection.close()  # the jobs' processes hold the rows; this one only reads them afterwards
            results["federal_first"] = figures_of(*run_job(database_url, sources["federal"]))
            results["arcgis_first"] = figures_of(*run_job(database_url, sources["arcgis"]))
            results["arcgis_second"] = figures_of(*run_job(database_url, sources["arcgis"]))
            floor = results["copy_floor"] = copy_floor(database_url, documents["/arcgis.json"])
            results["ratios"] = {
                "first_run_vs_copy": round(results["arcgis_first"]["records_per_s"] / floor["records_per_s"], 4),
                "second_run_vs_copy": round(results["arcgis_second"]["records_per_s"] / floor["records_per_s"], 4),
                "second_vs_first": round(results["arcgis_second"]["records_per_s"]
                                         / results["arcgis_first"]["records_per_s"], 2),
                "peak_rss_arcgis_vs_federal": round(results["arcgis_first"]["peak_rss_mib"]
                                                    / results["federal_first"]["peak_rss_mib"], 2),
            }
            results["goals"] = {
                "first_run_1000_per_s": results["arcgis_first"]["records_per_s"] >= 1000,
                "second_run_5000_per_s": results["arcgis_second"]["records_per_s"] >= 5000,
            }
        finally:
            connection.close()
            drop()
            if args.search_backend == "elasticsearch":
                drop_bench_indices()
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
