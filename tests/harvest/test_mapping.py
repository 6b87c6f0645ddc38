"""Nothing the source says is lost: dates, versioned licences, formats and contacts from real catalog records.

Each test imports a few records taken from the real catalogs in ../shared/data/catalogs (written to a
small file) through `manage.py import_catalog`, then reads them back through the API, the page and the
data.json export, and reads the command's mapping report.
"""
import functools
import io
import json
import zipfile

import pytest
from api_support import upload
from catalog_files import read_catalog
from django.core.management import call_command

OUTCOMES = ("mapped", "kept_as_text", "dropped")


@functools.cache  # the ArcGIS Hub catalog takes a second to read; every test picks from the same files
def entries(name):
    document = read_catalog(name)
    return document["dataset"] if isinstance(document, dict) else document


def excerpt(tmp_path, picks, taiwan=False):
    """A catalog file of the chosen real records: {file name: [indexes]}."""
    records = [entries(name)[index] for name, indexes in picks.items() for index in indexes]
    path = tmp_path / ("excerpt.json" if taiwan else "excerpt.data.json")
    path.write_text(json.dumps(records if taiwan else {"dataset": records}), encoding="utf-8")
    return path


def run_import(path, tmp_path):
    """(the report as JSON, the printed table) of a published import."""
    report, out = tmp_path / "report.json", io.StringIO()
    call_command("import_catalog", str(path), "--publish", "--report", str(report), stdout=out)
    return json.loads(report.read_text(encoding="utf-8")), out.getvalue()


def detail(api, identifier):
    response = api.get(f"/api/v1/datasets/{identifier}/")
    assert response.status_code == 200, response.content
    return response.json()


BALTIMORE = "https://data.baltimorecity.gov/maps/baltimore::tax-lien-certificate-sale-properties"
HARFORD = "https://planning-harfordgis.opendata.arcgis.com/maps/HarfordGIS::2-intermediate-contours"
EVANSVILLE = "https://dev-evansvilleapc.opendata.arcgis.com/maps/9ab52c45f9cd49aebcb8493384c3a821_2"
FCC = "https://opendata.fcc.gov/api/views/2ah7-n9rk"


@pytest.fixture
def us_excerpt(db, tmp_path):
    path = excerpt(tmp_path, {
        "us-local-arcgis-hub.data.json.gz": [0, 3383, 5215],  # HTML disclaimer, CC BY-NC-SA 4.0, CC BY 3.0
        "us-federal-fcc.data.json.gz": [0],  # RDF by media type alone
        "us-federal-energy.data.json.gz": [420],  # KMZ
        "us-federal-fda.data.json.gz": [17],  # "modified": "R/P1D"
    })
    return run_import(path, tmp_path)


def test_source_dates_are_kept_and_exported(us_excerpt, api, client):
    body = detail(api, BALTIMORE)  # "issued": "2022-03-03T01:24:34.000Z", "modified": "2022-04-14T17:20:19.000Z"
    assert (body["issued"], body["source_modified"]) == ("2022-03-03T09:24:34+08:00", "2022-04-15T01:20:19+08:00")
    fcc = detail(api, FCC)  # dates alone: "2017-06-20", "2019-01-28"
    assert (fcc["issued"], fcc["source_modified"]) == ("2017-06-20T08:00:00+08:00", "2019-01-28T08:00:00+08:00")
    assert detail(api, "f22c9b6a-e68a-445a-ae44-1441b2f698ab")["source_modified"] is None  # R/P1D is no date

    page = client.get(f"/datasets/{BALTIMORE}/").content.decode()
    assert '<time datetime="2022-03-03T09:24:34+08:00">2022-03-03</time>' in page
    exported = {entry["identifier"]: entry for entry in json.loads(b"".join(client.get("/data.json").streaming_content))["dataset"]}
    assert (exported[FCC]["issued"], exported[FCC]["modified"]) == ("2017-06-20T00:00:00+00:00",
                                                                    "2019-01-28T00:00:00+00:00")


def test_versioned_licences_are_matched_and_unknown_ones_kept_as_text(us_excerpt, api):
    assert detail(api, BALTIMORE)["licence"]["code"] == "cc-by-3.0"
    harford = detail(api, HARFORD)
    assert (harford["licence"]["code"], harford["licence_text"]) == ("cc-by-nc-sa-4.0", "")
    disclaimer = detail(api, EVANSVILLE)
    assert disclaimer["licence"] is None
    assert disclaimer["licence_text"].startswith("Your use of the information provided on this site constitutes")
    assert "<" not in disclaimer["licence_text"] and len(disclaimer["licence_text"]) <= 300


def test_formats_come_from_labels_media_types_and_extensions(us_excerpt, api):
    assert [r["format"] for r in detail(api, BALTIMORE)["resources"]] == [
        "HTML", "ARCGIS GEOSERVICES REST API", "GEOJSON", "CSV", "KML", "ZIP"]
    assert [r["format"] for r in detail(api, FCC)["resources"]] == ["CSV", "RDF", "JSON", "XML"]
    kmz = detail(api, "DOE-019-5873466791")["resources"][0]
    assert (kmz["format"], kmz["media_type"]) == ("KMZ", "application/vnd.google-earth.kmz")
    harford = detail(api, HARFORD)
    # "mailto: scheadley@harfordcountymd.gov" in the catalog
    assert (harford["contact_name"], harford["contact_email"]) == ("bpjohnson_HarfordGIS", "scheadley@harfordcountymd.gov")


def test_the_report_counts_what_was_mapped_kept_as_text_or_dropped(us_excerpt):
    report, table = us_excerpt
    assert report["created"] == 6
    counts = {field: tuple(report["fields"][field][outcome] for outcome in OUTCOMES) for field in report["fields"]}
    assert counts == {
        "licence": (4, 1, 0),  # the FDA record has none
        "issued": (4, 0, 0),
        "modified": (5, 0, 1),
        "formats": (3, 3, 0),  # "ArcGIS GeoServices REST API" is kept as the source wrote it
        "contact": (6, 0, 0),
    }
    assert report["repairs"]["modified dropped (a repeating period, not a date)"]["count"] == 1
    assert report["repairs"]["licence not recognized (kept as text)"]["count"] == 1
    assert "What the source said, by field:" in table
    assert "  licence           4             1        0" in table


def test_taiwan_dates_are_taipei_time_and_kmz_a_format(db, api, tmp_path):
    report, _ = run_import(excerpt(tmp_path, {"tw-data-gov-tw.json.gz": [0, 4]}, taiwan=True), tmp_path)
    body = detail(api, "data.gov.tw-6051")  # "DATE_PUBLISH": "2017/04/27", "DATE_UPDATE_META": "2018/03/09 15:08"
    assert (body["issued"], body["source_modified"]) == ("2017-04-27T00:00:00+08:00", "2018-03-09T15:08:00+08:00")
    assert body["licence"]["code"] == "gov-open-data"  # "政府資料開放授權條款-第1版"
    assert [r["format"] for r in body["resources"]] == ["KMZ", "KMZ"]
    assert body["contact_name"] == "林意晴 女士 (02-23070123#3032)"
    assert report["fields"]["licence"] == {"mapped": 2, "kept_as_text": 0, "dropped": 0}
    assert report["fields"]["formats"]["mapped"] == 2


def test_a_bad_date_through_the_api_names_the_field(api_as, staff, make_org):
    make_org("mapping-org", name_zh="映射测试")
    response = api_as(staff).post("/api/v1/datasets/", {
        "identifier": "mapping-bad-date", "title": "坏日期", "organization": "mapping-org",
        "issued": "R/P1Y"}, format="json")
    assert response.status_code == 400
    assert "issued" in json.dumps(response.json())


KML = b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>\n'
RDF = (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description rdf:about="https://example.org/a"/></rdf:RDF>\n')


def kmz_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", KML)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("stops.kml", KML, ("KML", "application/vnd.google-earth.kml+xml")),
    ("stops.kmz", kmz_bytes(), ("KMZ", "application/vnd.google-earth.kmz")),
    ("graph.rdf", RDF, ("RDF", "application/rdf+xml")),
    ("graph.xml", RDF, ("RDF", "application/rdf+xml")),  # told by its contents, not its name
])
def test_a_stored_file_is_told_apart_by_its_bytes(api_as, publisher, make_dataset, name, content, expected):
    make_dataset("mapping-upload", with_file=False)
    response = api_as(publisher).post("/api/v1/datasets/mapping-upload/resources/",
                                      {"file": upload(name, content, "application/octet-stream")}, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["format"], response.json()["media_type"]) == expected
