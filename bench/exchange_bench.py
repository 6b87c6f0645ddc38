"""Exchange benchmark: CKAN's package_search against /api/v1/search/, the catalog documents' rates and the
server's memory, and ckanapi's dump, on the real services.

    python bench/exchange_bench.py                  # 10,000 then 100,000 datasets
    python bench/exchange_bench.py --quick          # 2,000 then 10,000 (a few minutes)

Needs DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL. Builds a database and indices of its own (dropped at
the end): the real catalogs (../shared/data/catalogs/) imported, then replicated in bulk as
bench/search_bench.py does, indexed on Elasticsearch. At each size:

1. p50/p95 of the same queries through `GET /api/3/action/package_search` and `GET /api/v1/search/`
   (Django's test client, in process, each pair timed back to back): text; text + an organization filter
   (fq and the facet parameter); browse by last modification. Ratio = package_search / search.
2. A gunicorn server (one sync worker) on the bench database: `/data.json` streamed whole and every page of
   `/catalog.ttl`, datasets per second and the worker's peak RSS (VmHWM) before and after.
3. At the first size only: `ckanapi dump datasets --all` (3 processes) against gunicorn with 3 workers.
"""
import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from search_bench import configure, fresh_database, import_real, percentiles, replicate

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated dataset counts (10000,100000; quick 2000,10000)")
    parser.add_argument("--per-catalog", type=int, default=300, help="real records imported from each catalog")
    args = parser.parse_args()
    args.sizes = [int(size) for size in (args.sizes or ("2000,10000" if args.quick else "10000,100000")).split(",")]
    return args


def query_pairs():
    """(package_search params, /api/v1/search/ params) asking the same question."""
    from django.db.models import Count

    from datasets.models import Dataset

    published = Dataset.objects.filter(state="published", open_grade="open")
    organization = published.values("organization__slug").annotate(n=Count("pk")).order_by("-n")[0][
        "organization__slug"]
    words = ["parking", "water", "crime", "budget", "population", "school", "traffic", "统计", "监测", "permits"]
    pairs = []
    for word in words:
        pairs.append(({"q": word, "rows": 20}, {"q": word, "page_size": 20}))
        pairs.append(({"q": word, "fq": f"organization:{organization}", "rows": 20},
                      {"q": word, "organization": organization, "page_size": 20}))
    pairs.append(({"sort": "metadata_modified desc", "rows": 20}, {"sort": "modified", "page_size": 20}))
    return pairs


def api_ratio(pairs):
    from django.test import Client

    client, ckan, v1 = Client(), [], []
    for ckan_params, v1_params in pairs:  # warm up, and every request must answer
        for url, params in (("/api/3/action/package_search", ckan_params), ("/api/v1/search/", v1_params)):
            response = client.get(url, params)
            if response.status_code != 200:
                raise SystemExit(f"{url} {params} answered {response.status_code}: {response.content[:300]!r}")

    def timed(url, params):
        started = time.perf_counter()
        client.get(url, params)
        return (time.perf_counter() - started) * 1000

    for round_ in range(ROUNDS):
        for n, (ckan_params, v1_params) in enumerate(pairs):
            order = ((ckan, "/api/3/action/package_search", ckan_params), (v1, "/api/v1/search/", v1_params))
            for timings, url, params in order if (round_ + n) % 2 == 0 else order[::-1]:
                timings.append(timed(url, params))
    ckan_figures, v1_figures = percentiles(ckan), percentiles(v1)
    return {"package_search": ckan_figures, "v1_search": v1_figures,
            "ratio_p50": round(ckan_figures["p50_ms"] / v1_figures["p50_ms"], 2),
            "ratio_p95": round(ckan_figures["p95_ms"] / v1_figures["p95_ms"], 2)}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on the bench database; `peak_rss()` reads its (first) worker's VmHWM in MiB."""

    def __init__(self, database_url, workers=1):
        self.port = _free_port()
        env = {**os.environ, "DATABASE_URL": database_url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "600", "--no-control-socket"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=5).read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def peak_rss(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        return round(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024, 1)

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def fetch(url):
    with urllib.request.urlopen(url, timeout=600) as response:
        size = 0
        while chunk := response.read(1 << 20):
            size += len(chunk)
        return size


def documents(database_url, listed):
    """datasets/s and the worker's peak RSS for /data.json and a walk of every /catalog.ttl page."""
    server, figures = Server(database_url), {}
    try:
        fetch(f"{server.url}/catalog.ttl?page=1")  # loads the code paths
        for name, urls in (("data.json", [f"{server.url}/data.json"]),
                           ("dcat pages", [f"{server.url}/catalog.ttl?page={n}" for n in
                                           range(1, max(1, -(-listed // 100)) + 1)])):
            before, started, size = server.peak_rss(), time.perf_counter(), 0
            for url in urls:
                size += fetch(url)
            seconds = time.perf_counter() - started
            figures[name] = {"datasets_per_s": round(listed / seconds), "seconds": round(seconds, 1),
                             "mib": round(size / 2**20, 1), "peak_rss_before_mib": before,
                             "peak_rss_after_mib": server.peak_rss()}
    finally:
        server.stop()
    return figures


def ckanapi_dump(database_url, listed):
    server = Server(database_url, workers=3)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "dump.jsonl"
            bin_dir = str(Path(sys.executable).parent)
            env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
            started = time.perf_counter()
            subprocess.run([str(Path(bin_dir) / "ckanapi"), "dump", "datasets", "--all", "-q", "-p", "3",
                            "-r", server.url, "-O", str(out)], env=env, check=True, cwd=tmp)
            seconds = time.perf_counter() - started
            dumped = sum(1 for _line in out.open())
    finally:
        server.stop()
    if dumped != listed:
        raise SystemExit(f"ckanapi dumped {dumped} datasets of {listed}")
    return {"datasets": dumped, "seconds": round(seconds, 1), "datasets_per_s": round(dumped / seconds)}


def database_url_of(connection):
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}")


def main():
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("ELASTICSEARCH_URL"):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL")
    configure("elasticsearch")
    from django.db import connection

    from datasets.models import Dataset
    from search.backends import get_search_backend

    rng, results = random.Random(2024), {}
    with tempfile.TemporaryDirectory() as tmp:
        drop = fresh_database(Path(tmp))
        try:
            import_real(args.per_catalog)
            for n, size in enumerate(args.sizes):
                replicate(size, rng)
                get_search_backend().rebuild()
                listed = Dataset.objects.filter(state="published", open_grade__in=("open", "conditional")).count()
                figures = {"datasets": Dataset.objects.count(), "listed": listed, "api": api_ratio(query_pairs())}
                figures["documents"] = documents(database_url_of(connection), listed)
                if n == 0:
                    figures["ckanapi_dump"] = ckanapi_dump(database_url_of(connection), listed)
                results[size] = figures
                print(json.dumps({size: figures}, ensure_ascii=False), file=sys.stderr)
        finally:
            connection.close()
            drop()
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
