"""The portal's load mix for bench/load_bench.py (run there as `locust --headless`, one step at a time).

The targets (identifiers, resource ids, search words, the enterprise key) come from the JSON file named by
LOAD_BENCH_TARGETS, written by the bench after its setup. Every request is appended to LOAD_BENCH_LOG as
`<unix time> <status> <ms> <ok> <name>`: the bench computes throughput, percentiles and errors from those lines
itself (per step and, in the outage phase, before and after Elasticsearch stops), not from Locust's CSVs.
"""
import json
import os
import random
import time
from pathlib import Path

from locust import FastHttpUser, constant, events, task

TARGETS = json.loads(Path(os.environ["LOAD_BENCH_TARGETS"]).read_text(encoding="utf-8"))
_log = open(os.environ["LOAD_BENCH_LOG"], "a", buffering=1024 * 1024, encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def _record(name, response_time, response, exception, **_):
    status = getattr(response, "status_code", 0) or 0
    _log.write(f"{time.time():.3f} {status} {response_time:.1f} {int(exception is None)} {name}\n")


@events.quitting.add_listener
def _close(**_):
    _log.close()


class PortalVisitor(FastHttpUser):
    """A visitor or a client program: no think time, so the step's user count is its concurrency."""

    wait_time = constant(0)

    def _get(self, url, name, headers=None, ok=(200,)):
        # Downloads of link resources would redirect off the machine: never followed, and none is in the mix.
        with self.client.get(url, name=name, headers=headers, catch_response=True, allow_redirects=False) as answer:
            if answer.status_code in ok:
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")

    @task(3)
    def search_page(self):
        self._get(f"/search/?q={random.choice(TARGETS['words'])}", "search page")

    @task(2)
    def search_api(self):
        self._get(f"/api/v1/search/?q={random.choice(TARGETS['words'])}", "search API")

    @task(2)
    def catalog_page(self):
        self._get(f"/datasets/?page={random.randint(1, TARGETS['catalog_pages'])}", "catalog page")

    @task(2)
    def catalog_api(self):
        self._get(f"/api/v1/datasets/?page_size=20&page={random.randint(1, TARGETS['catalog_pages'])}", "catalog API")

    @task(3)
    def dataset_page(self):
        self._get(f"/datasets/{random.choice(TARGETS['datasets'])}/", "dataset page")

    @task(3)
    def rows_api(self):
        offset = random.randrange(0, TARGETS["table_rows"] - 50)
        self._get(f"/api/v1/resources/{random.choice(TARGETS['tables'])}/rows/?limit=50&offset={offset}", "rows API")

    @task(2)
    def keyed_api(self):
        key = {"Authorization": f"Api-Key {TARGETS['key']}"}
        if random.random() < 0.5:
            self._get(f"/api/v1/resources/{TARGETS['granted_resource']}/rows/?limit=50", "keyed rows API", key)
        else:
            self._get(f"/api/v1/datasets/{TARGETS['granted_dataset']}/", "keyed dataset API", key)

    @task(2)
    def download(self):
        self._get(f"/download/resources/{random.choice(TARGETS['downloads'])}/", "download")

    @task(1)
    def keyed_download(self):
        self._get(f"/download/resources/{TARGETS['granted_resource']}/", "keyed download",
                  {"Authorization": f"Api-Key {TARGETS['key']}"})


class StaticReference(FastHttpUser):
    """The reference at the same concurrency: one static file through the same front server."""

    wait_time = constant(0)

    @task
    def static_file(self):
        with self.client.get(TARGETS["static"], name="static file", catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
