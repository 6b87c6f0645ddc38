"""The real CKAN clients against a live portal: ckanapi's command line (dump, action, search) and its
RemoteCKAN class, and a harvester's walk, all over HTTP, unchanged.

Only what the anonymous reader may see comes out: the restricted and draft datasets of the seed
catalog are in no dump, search or page.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN, SearchQueryError, ValidationError

from search.backends import get_search_backend

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

LISTED = {"bus-routes", "metro-ridership", "parking-lots", "air-quality"}
HIDDEN_WORDS = ("signal-control", "draft-counts", "eco-secret", "信号控制", "污染源")


@pytest.fixture
def portal(live_server, make_seed_catalog):
    catalog = make_seed_catalog()
    get_search_backend().rebuild()
    return live_server.url, catalog


def ckanapi(*args, cwd):
    """Run the ckanapi command (its dump workers are ckanapi processes too, found on PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run([str(Path(bin_dir) / "ckanapi"), *args], cwd=cwd, env=env, capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode()


def identifier_of(package):
    return {extra["key"]: extra["value"] for extra in package["extras"]}["identifier"]


def test_ckanapi_dump_datasets_all(portal, tmp_path):
    url, catalog = portal
    out = tmp_path / "datasets.jsonl"
    ckanapi("dump", "datasets", "--all", "-q", "-p", "2", "-r", url, "-O", str(out), cwd=tmp_path)
    packages = [json.loads(line) for line in out.read_text().splitlines()]
    assert {identifier_of(package) for package in packages} == LISTED
    text = out.read_text()
    assert not any(word in text for word in HIDDEN_WORDS)
    assert {package["name"] for package in packages} == {catalog[identifier].name for identifier in LISTED}


def test_ckanapi_action_and_search(portal, tmp_path):
    url, _catalog = portal
    found = json.loads(ckanapi("action", "package_search", "-r", url, "q=公交",
                               "fq=organization:transport-bureau", "rows=1", cwd=tmp_path))
    assert found["count"] == 2 and len(found["results"]) == 1
    dumped = ckanapi("search", "datasets", "-r", url, "fq=-organization:eco-bureau", cwd=tmp_path)
    assert {identifier_of(json.loads(line)) for line in dumped.splitlines()} == LISTED - {"air-quality"}


def test_remote_ckan_pages_with_start_until_an_empty_page(portal):
    url, _catalog = portal
    seen = []
    with RemoteCKAN(url) as ckan:
        start = 0
        while True:
            page = ckan.action.package_search(rows=3, start=start, sort="metadata_modified desc")["results"]
            if not page:
                break
            seen += [identifier_of(package) for package in page]
            start += 3
        assert sorted(seen) == sorted(LISTED)
        with pytest.raises(NotFound):
            ckan.action.package_show(id="signal-control")
        with pytest.raises(ValidationError):
            ckan.action.package_search(rows="many")
        with pytest.raises(SearchQueryError):
            ckan.action.package_search(fq="organization:(unclosed")
    with RemoteCKAN(url, get_only=True) as ckan:
        assert ckan.action.package_show(id="bus-routes")["title"].startswith("公交线路")


def test_a_harvester_walk_yields_each_dataset_once(portal):
    url, _catalog = portal
    seen, start, previous = [], 0, None
    while True:
        response = requests.get(f"{url}/api/3/action/package_search", timeout=30, params={
            "rows": 2, "start": start, "sort": "id asc", "fq": "metadata_modified:[2000-01-01T00:00:00Z TO *]"})
        assert response.status_code == 200 and not response.history  # no redirects
        assert response.content != previous  # the CKAN harvester aborts on two identical pages
        previous = response.content
        results = response.json()["result"]["results"]
        if not results:
            break
        seen += [package["id"] for package in results]
        start += 2
    assert len(seen) == len(set(seen)) == len(LISTED)
