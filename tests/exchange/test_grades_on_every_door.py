"""One restricted marker dataset and one draft, absent from every exchange door; a conditional one present
without its data URLs. The door sweep (tests/test_door_sweep.py) asks every URL pattern too; this test
reads each format whole, following its own links (hydra pages, sitemap sections).
"""
import re

import pytest
from django.test import Client

from datasets.models import Dataset
from search.backends import get_search_backend

pytestmark = pytest.mark.django_db

MARKERS = ("zqrestrmarker", "zqdraftmarker")


@pytest.fixture
def marked(make_dataset):
    made = {
        "open": make_dataset("zq-open", title="公开 zqopenmarker", keywords=["zqopenmarker"]),
        "conditional": make_dataset("zq-cond", open_grade="conditional", title="有条件 zqcondmarker"),
        "restricted": make_dataset("zqrestrmarker-id", open_grade="restricted", title="不予开放 zqrestrmarker",
                                   keywords=["zqrestrmarker"], description="zqrestrmarker"),
        "draft": make_dataset("zqdraftmarker-id", state=Dataset.State.DRAFT, title="草稿 zqdraftmarker",
                              keywords=["zqdraftmarker"]),
    }
    get_search_backend().rebuild()
    return made


def read(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def outputs(client, marked):
    """(url, body) of every exchange output, each format followed through its own paging."""
    ckan = ["package_list", "current_package_list_with_resources?limit=1000", "tag_list",
            "package_search?rows=1000&facet.field=%5B%22tags%22%2C%22organization%22%5D",
            "package_search?q=zqrestrmarker&include_private=true", "organization_list?all_fields=true",
            "group_list?all_fields=true", "organization_show?id=transport-bureau&include_datasets=true"]
    urls = [f"/api/3/action/{action}" for action in ckan]
    urls += ["/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/data.json", "/robots.txt", "/sitemap.xml", "/",
             *(f"/datasets/{marked[key].identifier}{suffix}" for key in ("open", "conditional")
               for suffix in ("/", ".ttl", ".jsonld", ".rdf"))]
    seen = set()
    while urls:
        url = urls.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body = read(client, url)
        yield url, body
        if url.startswith("/sitemap"):  # the index names its sections
            urls += [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(rb"<loc>([^<]+)</loc>", body)
                     for loc in [loc.decode()] if "sitemap" in loc]


@pytest.mark.parametrize("viewer", ["anonymous", "staff"])
def test_hidden_datasets_are_in_no_output(marked, viewer, staff):
    client = Client()
    if viewer == "staff":  # the public catalog documents are the anonymous reader's, whoever asks
        client.force_login(staff)
    found = dict(outputs(client, marked))
    assert {"/data.json", "/catalog.ttl", "/sitemap.xml"} <= set(found)
    for url, body in found.items():
        if viewer == "staff" and (url.startswith("/api/") or url == "/" or url.endswith("/")):
            continue  # staff see every dataset through the API and on the pages, as everywhere
        for marker in MARKERS:
            assert marker.encode() not in body, f"{marker} in {url}"
    assert b"zqopenmarker" in found["/data.json"] and b"zqcondmarker" in found["/data.json"]


def test_conditional_data_urls_are_not_given_to_the_anonymous_reader(marked):
    conditional = marked["conditional"]
    data_url = f"/download/resources/{conditional.resources.get().pk}/".encode()
    open_url = f"/download/resources/{marked['open'].resources.get().pk}/".encode()
    found = dict(outputs(Client(), marked))
    for url in ("/data.json", "/catalog.ttl", f"/datasets/{conditional.identifier}.ttl",
                f"/datasets/{conditional.identifier}/", "/api/3/action/package_search?rows=1000&facet.field=%5B%22tags%22%2C%22organization%22%5D"):
        assert data_url not in found[url], url
    assert open_url in found["/data.json"] and open_url in found["/catalog.ttl"]
