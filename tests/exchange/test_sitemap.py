"""/sitemap.xml (an index of paged sections, both languages with hreflang alternates) and /robots.txt."""
import xml.etree.ElementTree as ET

import pytest
from catalog_formats_support import HIDDEN, HOST, PUBLIC, ROOT
from django.utils import timezone

from exchange.sitemaps import DatasetSitemap

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def xml(client, path, **params):
    response = client.get(path, params, HTTP_HOST=HOST)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def index(client):
    return [element.text for element in xml(client, "/sitemap.xml").findall("sm:sitemap/sm:loc", NS)]


def entries(client, url):
    """{loc: (lastmod, {hreflang: href})} of one sitemap page, asked by its absolute URL."""
    path, _, query = url.removeprefix(ROOT).partition("?")
    root = xml(client, path, **dict([query.split("=")] if query else []))
    return {url.find("sm:loc", NS).text: (
        getattr(url.find("sm:lastmod", NS), "text", None),
        {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)},
    ) for url in root.findall("sm:url", NS)}


def test_the_index_lists_every_section(client, catalog):
    assert index(client) == [f"{ROOT}/sitemap-{section}.xml" for section in ("pages", "themes", "organizations", "datasets")]


def test_public_datasets_are_listed_in_both_languages_with_alternates_and_lastmod(client, catalog):
    listed = entries(client, f"{ROOT}/sitemap-datasets.xml")
    expected = {prefix + f"/datasets/{catalog[key].identifier}/" for key in PUBLIC for prefix in (ROOT, ROOT + "/en")}
    assert set(listed) == expected
    lastmod, alternates = listed[f"{ROOT}/datasets/road-counts/"]
    assert lastmod == timezone.localdate(catalog["full"].modified).isoformat()
    assert alternates == {"zh-hans": f"{ROOT}/datasets/road-counts/", "en": f"{ROOT}/en/datasets/road-counts/",
                          "x-default": f"{ROOT}/datasets/road-counts/"}


@pytest.mark.parametrize("who", ["anonymous", "publisher", "staff"])
def test_restricted_datasets_drafts_and_organizations_without_public_data_are_not_listed(
        client, catalog, make_org, publisher, staff, who):
    make_org("quiet-bureau", name_zh="没有公开数据的局")
    if who != "anonymous":
        client.force_login({"publisher": publisher, "staff": staff}[who])
    everything = {}
    for url in index(client):
        everything.update(entries(client, url))
    text = " ".join(everything)
    assert not any(f"/datasets/{catalog[key].identifier}/" in text for key in HIDDEN)
    organizations = {loc for loc in everything if "/organizations/" in loc and not loc.endswith("/organizations/")}
    assert organizations == {f"{ROOT}{prefix}/organizations/{slug}/" for slug in ("transport-bureau", "eco-bureau")
                             for prefix in ("", "/en")}
    assert {f"{ROOT}/", f"{ROOT}/en/", f"{ROOT}/datasets/", f"{ROOT}/themes/", f"{ROOT}/themes/transport/"} <= set(everything)


def test_the_dataset_section_is_paged_without_losing_or_repeating_an_entry(client, catalog, monkeypatch):
    monkeypatch.setattr(DatasetSitemap, "limit", 3)  # 4 datasets in 2 languages: pages cut a dataset's pair
    pages = [url for url in index(client) if "sitemap-datasets" in url]
    assert pages == [f"{ROOT}/sitemap-datasets.xml"] + [f"{ROOT}/sitemap-datasets.xml?p={n}" for n in (2, 3)]
    seen = [loc for url in pages for loc in entries(client, url)]
    assert len(seen) == len(set(seen)) == 2 * len(PUBLIC)
    assert set(seen) == set(entries(client, f"{ROOT}/sitemap-datasets.xml?p=1")) | set(seen[3:])


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "4", "99999999999999999999999", "", "1e3"])
def test_a_page_that_does_not_exist_is_a_404(client, catalog, monkeypatch, page):
    monkeypatch.setattr(DatasetSitemap, "limit", 3)
    assert client.get("/sitemap-datasets.xml", {"p": page}, HTTP_HOST=HOST).status_code == 404


@pytest.mark.parametrize("path", ["/sitemap-nothing.xml", "/sitemap-.xml", "/sitemap-datasets.xml/"])
def test_a_section_that_does_not_exist_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt", HTTP_HOST=HOST)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and f"Sitemap: {ROOT}/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    for path in ("/admin/", "/api/", "/accounts/", "/en/accounts/", "/keys/", "/en/keys/", "/access/",
                 "/datasets/-/", "/en/datasets/-/", "/enterprises/", "/contributions/"):
        assert path in disallowed
    assert not any(path in ("/", "/en/", "/datasets/") for path in disallowed)
