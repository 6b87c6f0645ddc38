"""The source types through their interface (SourceType.records), against real formats over HTTP.

CKAN and DCAT-AP come from a live portal serving its own Action API and DCAT-AP catalog; data.json
and data.gov.tw are excerpts of the real catalogs in ../shared/data/catalogs/, from the loopback server.
"""
import datetime
import gzip
import json

import pytest
from catalog_files import CATALOGS, catalog_excerpt
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.fetching import Fetcher, FetchError
from harvest.fetcher import fetch_limits
from harvest.models import HarvestSource, SourceKind
from harvest.parsing.records import Unparsed
from harvest.sources import SOURCE_TYPES, source_type_for
from harvest.sources.base import SourceError
from harvest.sources.ckan import CkanSource
from search.backends import get_search_backend

LISTED = {"bus-routes", "metro-ridership", "parking-lots", "air-quality"}


class RecordingFetcher(Fetcher):
    def __init__(self):
        super().__init__(**fetch_limits())
        self.urls = []

    def open(self, url, **kwargs):
        self.urls.append(url)
        return super().open(url, **kwargs)


def harvest(kind, url, config=None, since=None):
    fetcher = RecordingFetcher()
    source = HarvestSource(name="test", kind=kind, url=url, config=config or {})
    items = source_type_for(source, fetcher).records(since=since)
    return [item.parse() if isinstance(item, Unparsed) else item for item in items], fetcher.urls


@pytest.fixture
def portal(live_server, make_seed_catalog):
    catalog = make_seed_catalog()
    get_search_backend().rebuild()
    return live_server.url, catalog


def test_every_kind_has_a_source_type():
    assert set(SOURCE_TYPES) == set(SourceKind.values)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ckan_pages_package_search_filters_and_asks_only_for_what_changed(portal, monkeypatch):
    url, catalog = portal
    monkeypatch.setattr(CkanSource, "page_size", 3)
    records, urls = harvest(SourceKind.CKAN, url + "/api/3/action/")
    assert {record.identifier for record in records} == LISTED
    assert len(urls) == 2 and all("sort=id+asc" in u and "rows=3" in u for u in urls) and "start=3" in urls[1]
    metro = next(record for record in records if record.identifier == "metro-ridership")
    dataset = catalog["metro-ridership"]
    assert metro.source_id == str(dataset.uid) and not metro.skip
    assert metro.original_url == f"{url}/dataset/{dataset.name}"
    assert metro.data["title"] == "地铁客流 Metro ridership" and metro.data["licence"] == "cc0-1.0"
    assert metro.data["keywords"] == ["地铁", "客流"] and metro.data["update_frequency"] == "daily"
    assert metro.data["source_modified"].startswith(str(dataset.modified.year))
    assert metro.organization_name == dataset.organization.name_zh and metro.resources[0]["url"]

    only_eco, _urls = harvest(SourceKind.CKAN, url, {"organization": "eco-bureau"})
    assert [record.identifier for record in only_eco] == ["air-quality"]
    tagged, _urls = harvest(SourceKind.CKAN, url, {"tags": ["公交"]})
    assert [record.identifier for record in tagged] == ["bus-routes"]
    recent, urls = harvest(SourceKind.CKAN, url, since=timezone.now())
    assert {record.identifier for record in recent} == LISTED and "metadata_modified" in urls[0]
    later, _urls = harvest(SourceKind.CKAN, url, since=timezone.now() + datetime.timedelta(hours=2))
    assert later == []


def test_ckan_settings_are_checked():
    assert CkanSource.clean_config({"organization": " eco ", "tags": "air"}) == {"organization": "eco", "tags": ["air"]}
    for config, field in (({"owner": "x"}, "config"), ({"tags": [1]}, "tags"), ({"fq": ["x"]}, "fq"),
                          ({"organization": {"a": 1}}, "organization"), (["x"], "config")):
        with pytest.raises(ValidationError) as raised:
            CkanSource.clean_config(config)
        assert field in raised.value.message_dict


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dcat_ap_in_each_serialization(portal):
    url, catalog = portal
    for path in ("/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog"):
        records, _urls = harvest(SourceKind.DCAT_RDF, url + path)
        assert {record.identifier for record in records} == LISTED, path
        bus = next(record for record in records if record.identifier == "bus-routes")
        assert bus.original_url.startswith(url) and "/datasets/bus-routes" in bus.original_url
        assert bus.data["title"] == "公交线路 Bus routes" and bus.data["temporal_start"] == "2020-01-01"
        assert bus.organization_name == catalog["bus-routes"].organization.name
        assert "transport-public" in bus.data["themes"] and bus.resources and bus.data["issued"]


PAGE = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{page}> a hydra:PagedCollection ; hydra:nextPage <{next}> .
<https://example.org/ds/{n}> a dcat:Dataset ; dct:identifier "ds-{n}" ; dct:title "Dataset {n}"@en ;
  dct:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <https://example.org/{n}.csv> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ] .
"""


def test_dcat_follows_next_pages_until_a_page_comes_round_again(loopback):
    first, second = "/dcat/1", "/dcat/2?page=2"
    loopback.serve(first, PAGE.format(page=loopback.url + first, next=second, n=1), "application/octet-stream")
    loopback.serve(second, PAGE.format(page=loopback.url + second, next=first, n=2), "text/turtle")
    records, urls = harvest(SourceKind.DCAT_RDF, loopback.url + first)
    assert [record.identifier for record in records] == ["ds-1", "ds-2"] and len(urls) == 2
    assert records[0].original_url == "https://example.org/ds/1" and records[0].data["licence"] == "cc-by-4.0"
    assert records[0].resources[0]["format"] == "CSV" and records[0].data["title_en"] == "Dataset 1"


def test_a_document_that_is_not_rdf_is_a_source_error(loopback):
    with pytest.raises(SourceError):
        harvest(SourceKind.DCAT_RDF, loopback.serve("/broken.ttl", "<a> <b> .. nonsense", "text/turtle"))
    with pytest.raises(FetchError, match="HTML"):
        harvest(SourceKind.DCAT_RDF, loopback.url + "/html")


def test_data_json_excerpt_streams_from_gzip(loopback):
    document = catalog_excerpt("us-federal-fcc.data.json.gz", 6)
    url = loopback.serve("/fcc/data.json.gz", gzip.compress(json.dumps(document).encode()), "application/gzip")
    records, _urls = harvest(SourceKind.DATA_JSON, url)
    assert [record.source_id for record in records] == [entry["identifier"] for entry in document["dataset"]]
    assert all(record.data.get("title") for record in records if not record.skip)


def test_lone_surrogate_escapes_in_a_real_catalog_are_repaired_as_it_streams(loopback):
    # USAID's catalog writes Windows-1252 apostrophes as lone surrogate escapes ("Future\\udc92s").
    body = (CATALOGS / "us-federal-usaid.data.json.gz").read_bytes()
    records, _urls = harvest(SourceKind.DATA_JSON, loopback.serve("/usaid.json.gz", body, "application/gzip"))
    texts = [record.data.get("description", "") for record in records]
    assert len(records) == 316 and any("Feed the Future’s" in text for text in texts)
    assert not any("\udc92" in text or "\ufffd" in text for text in texts)


def test_data_gov_tw_excerpt(loopback):
    document = catalog_excerpt("tw-data-gov-tw.json.gz", 5)
    records, _urls = harvest(SourceKind.DATA_GOV_TW, loopback.serve("/tw.json", json.dumps(document, ensure_ascii=False)))
    assert [record.data["title"] for record in records] == [entry["TITLE"].strip() for entry in document]
    assert all(record.original_url.startswith("https://data.gov.tw/dataset/") for record in records)


def test_an_unreadable_source_fails_whole(loopback):
    with pytest.raises(FetchError, match="500"):
        harvest(SourceKind.DATA_JSON, loopback.url + "/status/500")
    loopback.serve("/login/api/3/action/package_search", "<html><body>Sign in</body></html>", "text/html")
    with pytest.raises(FetchError, match="HTML"):
        harvest(SourceKind.CKAN, loopback.url + "/login")
    with pytest.raises(SourceError):
        harvest(SourceKind.DATA_GOV_TW, loopback.serve("/bad.json", '[{"NODE": 1,'))
    loopback.serve("/api/3/action/package_search", '{"success": false, "error": {"fq": ["bad"]}}')
    with pytest.raises(SourceError, match="fq"):
        harvest(SourceKind.CKAN, loopback.url)
