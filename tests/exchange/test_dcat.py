"""DCAT-AP 3.0 documents of the public catalog, through HTTP: every serialization parsed with rdflib,
validated with pyshacl against the official DCAT-AP 3.0.0 shapes (../shared/data/dcat), Hydra paging,
the open grades, content negotiation and bad input."""
import datetime
from urllib.parse import quote

import pyshacl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from api_support import upload
from apikeys_support import session_client
from contributions_support import CONTRIBUTIONS, new_dataset_body
from datasets.models import Dataset
from datasets.services.lifecycle import create_dataset, publish_dataset
from datasets.services.resources import add_url_resource, replace_resource_file

pytestmark = pytest.mark.django_db

SHAPES = settings.BASE_DIR.parent / "shared" / "data" / "dcat" / "dcat-ap-3.0.0-shacl.ttl"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
SITE = "http://testserver"
# What each URL extension and media type parses as.
SERIALIZATIONS = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
                  "rdf": ("application/rdf+xml", "xml")}
FULL_ID = "city/transport:bus.stops"


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES)


def parsed(response, extension="ttl"):
    media_type, rdflib_format = SERIALIZATIONS[extension]
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].split(";")[0] == media_type
    return Graph().parse(data=response.content, format=rdflib_format)


def fetch(client, url, extension="ttl", **headers):
    return parsed(client.get(url, headers=headers), extension)


def assert_conforms(graph, shapes):
    """Valid with RDFS inference (as harvesters validate) and without: every value node is typed."""
    for inference in ("rdfs", "none"):
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference=inference, allow_warnings=True)
        assert conforms, text


def landing(identifier):
    return URIRef(f"{SITE}/datasets/{quote(identifier, safe='/:')}/")


def eu(table, code):
    return URIRef(f"{EU}{table}/{code}")


def objects(graph, subject, predicate):
    return set(graph.objects(subject, predicate))


@pytest.fixture
def full_dataset(make_dataset, publisher):
    """A dataset with every field set, a file replaced once (version 2) and an external link."""
    dataset = make_dataset(
        FULL_ID, title="公交站点", title_en="Bus stops", description="全市公交站点位置。",
        description_en="Where the city's bus stops are.", themes=["transport-public", "environment"],
        keywords=["公交", "站点"], keywords_en=["bus"], update_frequency="monthly",
        temporal_start="2020-01-01", temporal_end="2024-12-31", spatial_region="上海市",
        spatial_bbox=[120.85, 30.67, 122.2, 31.88], contact_name="数据科", contact_email="data@example.org",
        source_url="https://example.org/source")
    resource = dataset.resources.get()
    replace_resource_file(user=publisher, resource=resource, uploaded=upload("stops.csv", "站点,经度\n人民广场,121.47\n".encode()))
    add_url_resource(user=publisher, dataset=dataset, data={"name": "实时接口", "url": "https://example.org/api"},
                     claimed_format="API")
    return Dataset.objects.get(pk=dataset.pk)


# --- one dataset ---------------------------------------------------------------------

def test_a_dataset_with_every_field_conforms_and_reads_the_same_in_every_serialization(client, full_dataset, shapes):
    graphs = [fetch(client, f"/datasets/{FULL_ID}.{extension}", extension) for extension in SERIALIZATIONS]
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])
    graph = graphs[0]
    assert_conforms(graph, shapes)

    ref = landing(FULL_ID)
    assert (ref, RDF.type, DCAT.Dataset) in graph
    assert objects(graph, ref, DCT.identifier) == {Literal(FULL_ID)}
    assert objects(graph, ref, DCT.title) == {Literal("公交站点", lang="zh-Hans"), Literal("Bus stops", lang="en")}
    assert objects(graph, ref, DCAT.keyword) == {Literal("公交", lang="zh-Hans"), Literal("站点", lang="zh-Hans"),
                                                 Literal("bus", lang="en")}
    assert objects(graph, ref, DCAT.landingPage) == {ref} and (ref, RDF.type, FOAF.Document) in graph
    assert objects(graph, ref, DCT.language) == {eu("language", "ZHO"), eu("language", "ENG")}
    assert objects(graph, ref, DCT.accessRights) == {eu("access-right", "PUBLIC")}
    assert objects(graph, ref, DCT.accrualPeriodicity) == {eu("frequency", "MONTHLY")}
    assert (eu("frequency", "MONTHLY"), RDF.type, DCT.Frequency) in graph
    assert (ref, DCT.modified, None) in graph and (ref, DCT.issued, None) in graph

    # Themes: the sub-theme maps through its parent (transport -> TRAN), each EU theme a concept of its scheme.
    themes = objects(graph, ref, DCAT.theme)
    assert {eu("data-theme", "TRAN"), eu("data-theme", "ENVI")} <= themes
    for code in ("TRAN", "ENVI"):
        assert (eu("data-theme", code), RDF.type, SKOS.Concept) in graph
        assert (eu("data-theme", code), SKOS.inScheme, URIRef(EU + "data-theme")) in graph
    own = URIRef(f"{SITE}/themes/transport-public/")
    assert own in themes and (own, SKOS.broader, URIRef(f"{SITE}/themes/transport/")) in graph

    publisher = graph.value(ref, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert Literal("市交通委员会", lang="zh-Hans") in objects(graph, publisher, FOAF.name)
    contact = graph.value(ref, DCAT.contactPoint)
    assert {VCARD.Kind, VCARD.Organization} <= objects(graph, contact, RDF.type)
    assert objects(graph, contact, VCARD.fn) == {Literal("数据科")}
    assert objects(graph, contact, VCARD.hasEmail) == {URIRef("mailto:data@example.org")}

    spatial = graph.value(ref, DCT.spatial)
    assert (spatial, RDF.type, DCT.Location) in graph
    bbox = graph.value(spatial, DCAT.bbox)
    assert bbox.datatype == URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    assert str(bbox) == "POLYGON((120.85 30.67, 122.2 30.67, 122.2 31.88, 120.85 31.88, 120.85 30.67))"
    period = graph.value(ref, DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate) == Literal(datetime.date(2020, 1, 1))
    assert graph.value(period, DCAT.endDate) == Literal(datetime.date(2024, 12, 31))

    file_resource = full_dataset.resources.get(kind="file")
    distributions = {graph.value(d, DCT.title): d for d in graph.objects(ref, DCAT.distribution)}
    csv = distributions[Literal(file_resource.name, lang="zh-Hans")]
    download = URIRef(f"{SITE}/download/resources/{file_resource.pk}/")
    assert objects(graph, csv, DCAT.downloadURL) == {download} == objects(graph, csv, DCAT.accessURL)
    assert objects(graph, csv, DCT["format"]) == {eu("file-type", "CSV")}
    media_type = URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert objects(graph, csv, DCAT.mediaType) == {media_type} and (media_type, RDF.type, DCT.MediaType) in graph
    assert graph.value(csv, DCAT.byteSize) == Literal(file_resource.size, datatype=XSD.nonNegativeInteger)
    assert graph.value(csv, DCAT.version) == Literal("2")
    checksum = graph.value(csv, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(graph.value(checksum, SPDX.checksumValue)).lower() == file_resource.sha256
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(csv, DCT.license) == licence and (licence, RDF.type, DCT.LicenseDocument) in graph

    api = distributions[Literal("实时接口", lang="zh-Hans")]
    assert objects(graph, api, DCAT.accessURL) == {URIRef("https://example.org/api")}
    assert not objects(graph, api, DCAT.downloadURL)  # a link is not known to be a file
    fmt = graph.value(api, DCT["format"])
    assert (fmt, RDF.type, DCT.MediaTypeOrExtent) in graph and graph.value(fmt, RDFS.label) == Literal("API")


def test_a_dataset_with_only_the_mandatory_fields_conforms(client, publisher, transport_bureau, shapes):
    dataset = create_dataset(user=publisher, organization=transport_bureau, data={"identifier": "bare", "title": "最少"})
    publish_dataset(user=publisher, dataset=dataset)
    graph = fetch(client, "/datasets/bare.ttl")
    assert_conforms(graph, shapes)
    # DCAT-AP requires a description: the title stands in; no English, so Chinese only.
    assert objects(graph, landing("bare"), DCT.description) == {Literal("最少", lang="zh-Hans")}
    assert objects(graph, landing("bare"), DCT.language) == {eu("language", "ZHO")}
    assert not objects(graph, landing("bare"), DCAT.distribution)


def test_provenance_of_merged_contributions(call, contributor, reviewing, enterprise_a, transport_bureau, client, shapes):
    response = call(contributor, "post", CONTRIBUTIONS, new_dataset_body(enterprise_a.organization, transport_bureau),
                    format="multipart")
    pk = response.json()["id"]
    approved = call(reviewing, "post", f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"}, format="json")
    assert approved.json()["status"] == "merged", approved.content
    graph = fetch(client, "/datasets/ent-bike-counts.ttl")
    assert_conforms(graph, shapes)
    statement = graph.value(landing("ent-bike-counts"), DCT.provenance)
    assert (statement, RDF.type, DCT.ProvenanceStatement) in graph
    label = str(graph.value(statement, RDFS.label))
    assert "甲企业" in label and f"#{pk}" in label


# --- the catalog ---------------------------------------------------------------------

def test_a_catalog_page_conforms_in_every_serialization(client, graded_datasets, full_dataset, shapes):
    graphs = [fetch(client, f"/catalog.{extension}", extension) for extension in SERIALIZATIONS]
    for graph, extension in zip(graphs, SERIALIZATIONS):
        page = URIRef(f"{SITE}/catalog.{extension}?page=1")  # the paging links name the document's own URL
        assert (page, RDF.type, HYDRA.PartialCollectionView) in graph
        graph.remove((page, None, None))
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])
    graph = graphs[0]
    assert_conforms(graph, shapes)
    catalog = URIRef(f"{SITE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert objects(graph, catalog, DCAT.dataset) == {landing("bus-routes"), landing("taxi-trips"), landing(FULL_ID)}
    assert URIRef(EU + "data-theme") in objects(graph, catalog, DCAT.themeTaxonomy)
    assert objects(graph, catalog, DCT.title) == {Literal("城市公共数据开放平台", lang="zh-Hans"),
                                                  Literal("City Open Data Portal", lang="en")}
    assert graph.value(catalog, DCT.modified) == Literal(Dataset.objects.get(pk=full_dataset.pk).modified)


def test_restricted_datasets_and_drafts_never_appear_even_for_staff(client, graded_datasets, staff, publisher):
    for viewer in (client, session_client(staff), session_client(publisher)):
        graph = fetch(viewer, "/catalog.ttl")
        page = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
        assert graph.value(page, HYDRA.totalItems) == Literal(2, datatype=XSD.integer)
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {landing("bus-routes"), landing("taxi-trips")}
        text = viewer.get("/catalog.ttl").content.decode()
        assert "signal-control" not in text and "draft-counts" not in text
        for hidden in ("signal-control", "draft-counts"):
            assert viewer.get(f"/datasets/{hidden}.ttl").status_code == 404
    # Their own pages still answer a member asking for RDF: with the page, not a public document.
    page = session_client(publisher).get("/datasets/signal-control/", headers={"accept": "text/turtle"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_a_conditional_dataset_points_at_its_landing_page_and_never_at_its_files(client, graded_datasets, shapes):
    graph = fetch(client, "/datasets/taxi-trips.ttl")
    assert_conforms(graph, shapes)
    ref = landing("taxi-trips")
    assert objects(graph, ref, DCT.accessRights) == {eu("access-right", "RESTRICTED")}
    distribution = graph.value(ref, DCAT.distribution)
    assert objects(graph, distribution, DCAT.accessURL) == {ref}
    assert not objects(graph, None, DCAT.downloadURL)
    assert "/download/" not in graph.serialize(format="nt")
    description = str(graph.value(distribution, DCT.description))
    assert f"{SITE}/access/apply/taxi-trips" in description
    # The open one, for contrast, gives its download URL.
    open_graph = fetch(client, "/datasets/bus-routes.ttl")
    assert "/download/" in str(open_graph.value(open_graph.value(landing("bus-routes"), DCAT.distribution),
                                                  DCAT.downloadURL))


def test_hydra_links_walk_every_dataset_once_with_queries_that_do_not_grow(client, make_dataset):
    for number in range(201):
        make_dataset(f"page-{number:03d}", with_file=number in (0, 200), themes=["transport-public"])
    seen, pages, url = [], [], f"{SITE}/catalog.ttl"
    while url:
        graph = fetch(client, url.removeprefix(SITE))
        page = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
        assert (page, RDF.type, HYDRA.PagedCollection) in graph
        assert graph.value(page, HYDRA.totalItems) == Literal(201, datatype=XSD.integer)
        assert graph.value(page, HYDRA.itemsPerPage) == Literal(100, datatype=XSD.integer)
        for current, deprecated in ((HYDRA.first, HYDRA.firstPage), (HYDRA.last, HYDRA.lastPage),
                                    (HYDRA.next, HYDRA.nextPage), (HYDRA.previous, HYDRA.previousPage)):
            assert graph.value(page, current) == graph.value(page, deprecated)
        assert graph.value(page, HYDRA.first) == URIRef(f"{SITE}/catalog.ttl?page=1")
        assert graph.value(page, HYDRA.last) == URIRef(f"{SITE}/catalog.ttl?page=3")
        pages.append((page, graph.value(page, HYDRA.previous)))
        seen += list(graph.subjects(RDF.type, DCAT.Dataset))
        url = graph.value(page, HYDRA.next)
    assert len(seen) == len(set(seen)) == 201
    assert [page for page, _ in pages] == [URIRef(f"{SITE}/catalog.ttl?page={n}") for n in (1, 2, 3)]
    assert [previous for _, previous in pages] == [None, pages[0][0], pages[1][0]]

    def queries(number):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/catalog.ttl?page={number}").status_code == 200
        return len(captured)

    assert queries(1) == queries(3)  # 100 datasets and 1 dataset: the same queries


def test_an_empty_catalog_has_one_empty_page(client):
    graph = fetch(client, "/catalog.ttl?page=1")
    page = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert graph.value(page, HYDRA.totalItems) == Literal(0, datatype=XSD.integer)
    assert not set(graph.subjects(RDF.type, DCAT.Dataset))
    assert client.get("/catalog.ttl?page=2").status_code == 400


def test_modified_since_keeps_the_recently_changed_and_the_page_links_keep_it(client, make_dataset):
    old, new = make_dataset("old-one"), make_dataset("new-one")
    Dataset.objects.filter(pk=old.pk).update(modified=datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC))
    Dataset.objects.filter(pk=new.pk).update(modified=datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC))
    for since, expected in (("2024-01-01", {"new-one"}), ("2020-01-01", {"old-one", "new-one"}),
                            ("2024-05-01T20:00:00+08:00", {"new-one"}), ("2024-05-01T20:00:01+08:00", set()),
                            ("2024-05-01T20:00:00 08:00", {"new-one"}),  # "+" sent unencoded
                            ("2024-05-01 20:00:00", {"new-one"}), ("2024-05-01 20:01", set()),  # local time
                            ("2024-05-01T12:00:00Z", {"new-one"}), ("2025-01-01T00:00:00", set())):
        graph = fetch(client, f"/catalog.ttl?modified_since={quote(since)}")
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {landing(i) for i in expected}, since
    graph = fetch(client, "/catalog.ttl?modified_since=2024-01-01")
    page = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert graph.value(page, HYDRA.first) == URIRef(f"{SITE}/catalog.ttl?modified_since=2024-01-01&page=1")


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"), ("page=2", "page"),
    (f"page={10**9}", "page"), (f"page={'9' * 5000}", "page"), ("page=%EF%BC%91", "page"),
    ("modified_since=yesterday", "modified_since"), ("modified_since=2024-13-01", "modified_since"),
    ("modified_since=2024-02-30T00:00:00", "modified_since"),
    ("modified_since=0001-01-01T00:00:00%2B14:00", "modified_since"),
])
def test_bad_paging_and_dates_are_400_naming_the_parameter(client, make_dataset, query, field):
    make_dataset("only-one")
    for url in ("/catalog.ttl", "/catalog"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query, response.content[:300])
        assert field in response.json()["error"]["fields"]


# --- negotiation -----------------------------------------------------------------------

@pytest.mark.parametrize("accept, extension", [
    (None, "ttl"), ("*/*", "ttl"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdf"), ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "ttl"),
    ("application/rdf+xml;q=0.5, application/ld+json", "jsonld"),
])
def test_the_catalog_url_serves_what_the_accept_header_asks(client, graded_datasets, accept, extension):
    headers = {"accept": accept} if accept else {}
    response = client.get("/catalog", headers=headers)
    graph = parsed(response, extension)
    assert "Accept" in response["Vary"]
    assert landing("bus-routes") in set(graph.subjects(RDF.type, DCAT.Dataset))
    # The page links keep to the negotiated URL.
    page = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert page == URIRef(f"{SITE}/catalog?page=1")


def test_a_type_we_do_not_serve_is_406_naming_the_ones_we_do(client):
    response = client.get("/catalog", headers={"accept": "image/png"})
    assert response.status_code == 406
    message = response.json()["error"]["message"]
    assert all(media_type in message for media_type in ("text/turtle", "application/ld+json", "application/rdf+xml"))
    # An extension says the format itself: the header is not asked.
    assert client.get("/catalog.ttl", headers={"accept": "image/png"}).status_code == 200


@pytest.mark.parametrize("accept, extension", [
    ("text/turtle", "ttl"), ("application/ld+json", "jsonld"), ("application/rdf+xml", "rdf"),
    ("text/html;q=0.5, text/turtle", "ttl"),
])
def test_the_dataset_page_serves_rdf_when_asked(client, graded_datasets, accept, extension):
    response = client.get("/datasets/taxi-trips/", headers={"accept": accept})
    graph = parsed(response, extension)
    assert (landing("taxi-trips"), RDF.type, DCAT.Dataset) in graph
    assert isomorphic(graph, fetch(client, f"/datasets/taxi-trips.{extension}", extension))


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                                    "image/png"])
def test_the_dataset_page_stays_html_for_browsers(client, graded_datasets, accept):
    response = client.get("/datasets/taxi-trips/", headers={"accept": accept} if accept else {})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_rdf_urls_take_no_page_url(client, make_dataset, publisher):
    """An identifier ending in an RDF extension keeps its page, and the "datasets/-/" steps keep theirs."""
    make_dataset("report.ttl")
    assert client.get("/datasets/report.ttl/")["Content-Type"].startswith("text/html")
    assert (landing("report.ttl"), RDF.type, DCAT.Dataset) in fetch(client, "/datasets/report.ttl.ttl")
    editing = session_client(publisher).get("/datasets/-/edit/report.ttl")
    assert editing.status_code == 200 and editing["Content-Type"].startswith("text/html")
    assert client.get("/datasets/no-such-dataset.ttl").status_code == 404


def test_control_characters_in_stored_text_do_not_break_any_serialization(client, make_dataset):
    """Imported catalogs may carry them (the request guard keeps them out of requests only); XML cannot."""
    dataset = make_dataset("ctl")
    Dataset.objects.filter(pk=dataset.pk).update(description="页\x0b脚\x01", keywords=["a\x1fb"])
    for extension in SERIALIZATIONS:
        graph = fetch(client, f"/datasets/ctl.{extension}", extension)
        assert objects(graph, landing("ctl"), DCT.description) == {Literal("页脚", lang="zh-Hans")}
        assert objects(graph, landing("ctl"), DCAT.keyword) == {Literal("ab", lang="zh-Hans")}
