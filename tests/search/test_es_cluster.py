"""A private two-node Elasticsearch cluster: the portal's index with a replica outlives one node.

The cluster (its own name, free loopback ports, state in a temporary directory) is started by
scripts/services.sh start-es-node, as an operator would add a node; the shared server is not touched.
The portal is given both nodes' URLs (ELASTICSEARCH_URL, comma-separated).
"""
import os
import shutil
import subprocess
import tempfile

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from elasticsearch import Elasticsearch

from server_support import _free_port

SERVICES = os.path.join(django_settings.BASE_DIR, "scripts", "services.sh")
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _services(*args, wait=True):
    # A loaded machine starts a JVM slowly: more than services.sh's default wait.
    command = ["bash", SERVICES, *args]
    env = {**os.environ, "PORTAL_ES_TIMEOUT": "400"}
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, timeout=450)


class Cluster:
    def __init__(self, name):
        self.name = name
        self.ports = {node: (_free_port(), _free_port()) for node in ("n1", "n2")}
        self.seeds = ",".join(f"127.0.0.1:{transport}" for _http, transport in self.ports.values())
        self.url = ",".join(f"http://127.0.0.1:{http}" for http, _transport in self.ports.values())
        self.client = Elasticsearch(self.url.split(","), request_timeout=150)

    def start_args(self, node):
        return ("start-es-node", self.name, node, *map(str, self.ports[node]), self.seeds, "n1")

    def health(self, **wait):
        return self.client.cluster.health(timeout="120s", **wait).body


@pytest.fixture(scope="module")
def cluster():
    nodes_dir = tempfile.mkdtemp(prefix="portal-es-cluster-")
    os.chmod(nodes_dir, 0o755)  # the service user (services.sh runs Elasticsearch as one under root) reaches it
    os.environ["PORTAL_ES_NODES_DIR"] = nodes_dir
    running = Cluster(f"{django_settings.SEARCH_INDEX_PREFIX}-cluster-{os.getpid()}")
    try:
        starting = [_services(*running.start_args(node), wait=False) for node in running.ports]
        for process in starting:
            assert process.wait(timeout=450) == 0, process.stderr.read()
        yield running
    finally:
        _services("remove-es-cluster", running.name)
        del os.environ["PORTAL_ES_NODES_DIR"]
        shutil.rmtree(nodes_dir, ignore_errors=True)


def _everything(api):
    body = api.get("/api/v1/search/", {"page_size": 100}).json()
    return body["count"], {hit["identifier"] for hit in body["results"]}, body["degraded"]


def test_the_index_survives_a_lost_node_and_gets_its_replicas_back(cluster, settings, make_seed_catalog, api, client):
    make_seed_catalog()
    settings.SEARCH_BACKEND = "database"
    call_command("rebuild_search_index", "--no-progress")
    count, expected, _ = _everything(api)
    assert count == len(expected) > 3

    settings.SEARCH_BACKEND, settings.ELASTICSEARCH_URL = "elasticsearch", cluster.url
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-cluster"
    settings.SEARCH_ELASTICSEARCH_SHARDS, settings.SEARCH_ELASTICSEARCH_REPLICAS = 2, 0
    settings.SEARCH_ELASTICSEARCH_TIMEOUT = 60  # two more JVMs on a busy test machine: not a latency test
    call_command("rebuild_search_index", "--no-progress")
    settings.SEARCH_ELASTICSEARCH_REPLICAS = 1  # a live change: no rebuild
    call_command("rebuild_search_index", "--apply-replicas")
    alias = f"{settings.SEARCH_INDEX_PREFIX}-datasets"
    index = cluster.client.indices.get_settings(index=alias).body.popitem()[1]["settings"]["index"]
    assert (index["number_of_shards"], index["number_of_replicas"]) == ("2", "1")
    assert cluster.health(wait_for_status="green")["status"] == "green"
    assert _everything(api) == (count, expected, False)

    master = cluster.client.cat.master(format="json").body[0]["node"]
    lost = next(node for node in cluster.ports if node != master)  # a two-node cluster votes with its master only
    # An index whose only copy lives on the lost node: the cluster turns red while it exists.
    cluster.client.indices.create(index=f"{alias}-scratch", settings={
        "number_of_shards": 1, "number_of_replicas": 0, "index.routing.allocation.require._name": lost})
    cluster.health(wait_for_status="green")
    _services("stop-es-node", cluster.name, lost)

    assert cluster.health(wait_for_nodes="1")["status"] == "red"
    red = client.get("/healthz")
    assert red.status_code == 503 and red.json()["checks"]["search"]["ok"] is False
    assert "red" in red.json()["checks"]["search"]["error"]

    cluster.client.indices.delete(index=f"{alias}-scratch")
    assert cluster.health(wait_for_status="yellow")["status"] == "yellow"
    assert _everything(api) == (count, expected, False)  # every document, from Elasticsearch (not degraded)
    search = client.get("/healthz").json()["checks"]["search"]
    assert search["ok"] is True
    assert (search["detail"]["status"], search["detail"]["number_of_nodes"]) == ("yellow", 1)

    _services(*cluster.start_args(lost))  # the same data directory: it rejoins and gets its replicas back
    assert cluster.health(wait_for_status="green", wait_for_nodes="2")["status"] == "green"
    search = client.get("/healthz").json()["checks"]["search"]
    assert (search["detail"]["status"], search["detail"]["number_of_nodes"]) == ("green", 2)
    assert _everything(api) == (count, expected, False)
