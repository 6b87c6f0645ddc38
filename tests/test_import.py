"""manage.py import_catalog on the real catalogs in ../shared/data/catalogs.

The big ArcGIS Hub catalog (14,744 entries) is imported once for the module,
twice in a row, inside a transaction rolled back at the end (its tests only
read, within that transaction); every other test imports what it needs inside
its own test transaction.
"""
import gzip
import json
from io import StringIO

import pytest
from catalog_files import CATALOGS
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from datasets.models import Licence, Theme
from datasets.vocabularies import seed_vocabularies

pytestmark = pytest.mark.slow  # the real catalogs, the biggest imported twice

ARCGIS = CATALOGS / "us-local-arcgis-hub.data.json.gz"
TAIWAN = CATALOGS / "tw-data-gov-tw.json.gz"
FEDERAL = sorted(CATALOGS.glob("us-federal-*.data.json.gz"))
OUTCOMES = ("created", "updated", "unchanged", "skipped")


def entries(path):
    document = json.loads(gzip.decompress(path.read_bytes()))
    return document["dataset"] if isinstance(document, dict) else document


def run_import(path, tmp_path, *args):
    """Run the command; returns (its report as JSON, its printed output)."""
    report = tmp_path / f"{path.name}.report.json"
    out = StringIO()
    call_command("import_catalog", str(path), "--report", str(report), *args, stdout=out)
    return json.loads(report.read_text(encoding="utf-8")), out.getvalue()


def detail(client, identifier):
    return client.get(reverse("api-dataset-detail", args=[identifier]))


def assert_adds_up(report):
    assert sum(report[name] for name in OUTCOMES) == report["read"]
    assert sum(reason["count"] for reason in report["skip_reasons"].values()) == report["skipped"]


@pytest.fixture(scope="module")
def arcgis(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("arcgis")
    with django_db_blocker.unblock(), transaction.atomic():
        # These tests run after the transactional ones, which leave every table empty:
        # put back what the migrations seeded (inside this transaction, rolled back below).
        seed_vocabularies(Theme, Licence)
        first = run_import(ARCGIS, tmp_path, "--publish")
        second = run_import(ARCGIS, tmp_path, "--publish")
        yield {"first": first, "second": second}
        transaction.set_rollback(True)


# --- the big local catalog ------------------------------------------------------

def test_every_distinct_identifier_is_created_once_and_the_report_adds_up(arcgis):
    report, output = arcgis["first"]
    records = entries(ARCGIS)
    assert report["read"] == len(records) == 14744
    assert report["created"] == len({record["identifier"] for record in records}) == 14469
    assert report["skip_reasons"]["duplicate identifier in the file (first one kept)"]["count"] == 14744 - 14469
    assert_adds_up(report)
    assert "created 14469, updated 0, unchanged 0, skipped 275" in output
    assert "duplicate identifier in the file" in output  # the table names the reasons


def test_a_second_run_finds_every_dataset_again(arcgis):
    report, output = arcgis["second"]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 14469)
    assert_adds_up(report)
    assert "created 0, updated 0, unchanged 14469, skipped 275" in output


def test_a_record_is_mapped_field_by_field(arcgis, api):
    response = detail(api, "https://dev-evansvilleapc.opendata.arcgis.com/maps/9ab52c45f9cd49aebcb8493384c3a821_0")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Local Preservation Area"
    # "The&nbsp;<a href=...>Department of Metropolitan Development</a>.&nbsp;" in the catalog
    assert body["description"] == "Data is maintained by The Department of Metropolitan Development."
    assert body["organization"]["slug"] == "areaplan"
    assert body["keywords"] == ["Evansville", "Vanderburgh County", "IN", "Economic Development", "economic",
                                "geospatial"]  # the free-text theme is kept as a keyword
    assert body["spatial_bbox"] == [-87.5735, 37.9607, -87.5375, 37.9705]
    assert body["licence"] is None  # a free-text HTML disclaimer is no licence we know
    assert (body["open_grade"], body["state"], body["update_frequency"]) == ("open", "published", "irregular")
    assert [(r["kind"], r["format"]) for r in body["resources"]] == [
        ("url", "HTML"), ("url", "ARCGIS GEOSERVICES REST API"), ("url", "GEOJSON"), ("url", "CSV"),
        ("url", "KML"), ("url", "ZIP"),
    ]
    assert body["resources"][3]["url"].startswith(
        "https://dev-evansvilleapc.opendata.arcgis.com/datasets/9ab52c45f9cd49aebcb8493384c3a821_0.csv"
    )


def test_a_creative_commons_licence_url_becomes_our_licence(arcgis, api):
    body = detail(api, "https://www.mcgis.org/maps/McLeanGIS::mclean-county-outline").json()
    assert body["licence"]["code"] == "cc-by-4.0"
    assert body["organization"]["name"] == "McGIS - McLean County GIS Consortium"
    assert body["spatial_bbox"] == [-89.2649, 40.2764, -88.4576, 40.7576]


def test_html_in_descriptions_becomes_plain_text_with_line_breaks(arcgis, api):
    body = detail(api, "https://dev-evansvilleapc.opendata.arcgis.com/maps/evvc::mets-bus-stops").json()
    description = body["description"]
    assert "<" not in description and "&nbsp;" not in description
    assert "\nPlease contact METS for specific information\n" in description
    assert "Metropolitan Evansville Transit System (METS)\n601 John Street\nEvansville, IN 47713" in description
    assert arcgis["first"][0]["repairs"]["HTML removed from description"]["count"] > 7000


# --- federal catalogs -------------------------------------------------------------

def test_every_federal_catalog_imports_with_a_limit(db, tmp_path):
    assert len(FEDERAL) == 11
    for path in FEDERAL:
        report, _ = run_import(path, tmp_path, "--limit", "25")
        assert report["read"] == min(25, len(entries(path))), path.name
        assert report["created"] + report["skipped"] == report["read"], path.name
        assert_adds_up(report)


def test_lone_surrogates_are_repaired_not_fatal(db, api, tmp_path):
    report, _ = run_import(CATALOGS / "us-federal-usaid.data.json.gz", tmp_path, "--publish")
    assert report["read"] == 316
    assert report["repairs"]["lone UTF-16 surrogates repaired"]["count"] == 3
    # "Feed the Future\udc92s": a Windows-1252 byte escaped as a lone surrogate.
    body = detail(api, "d03994db-4fc5-4b6c-9206-f17d1ce68f79").json()
    assert "Feed the Future’s updated indicators" in body["description"]
    # A distribution URL Django refuses (https://osf.io.zhu89/download) is dropped, the dataset kept.
    assert report["skipped"] == 0
    assert detail(api, "357d98b1-4374-4f12-914e-07e9a45dc54a").json()["resources"] == []


def test_access_levels_become_grades_and_restricted_ones_stay_hidden(db, api, client, staff, api_as, tmp_path):
    report, _ = run_import(CATALOGS / "us-federal-dhs.data.json.gz", tmp_path, "--publish")
    assert report["created"] == 1093
    assert detail(api, "TSA-1ebecc72-746a-4a36-b278-b3e5e31dc9cc").json()["open_grade"] == "open"
    assert detail(api, "SDD-78").json()["open_grade"] == "conditional"  # restricted public
    assert detail(api, "MGMT-OCIO-Mobius-10").status_code == 404  # non-public
    assert client.get("/datasets/MGMT-OCIO-Mobius-10/").status_code == 404
    staff_view = detail(api_as(staff), "MGMT-OCIO-Mobius-10")
    assert (staff_view.status_code, staff_view.json()["open_grade"]) == (200, "restricted")


def test_invalid_identifiers_are_rewritten_the_same_way_every_time(db, api, tmp_path):
    path = CATALOGS / "us-federal-dhs.data.json.gz"
    first, _ = run_import(path, tmp_path, "--publish")
    assert first["repairs"]["identifier rewritten to a valid one"]["count"] == 25
    second, _ = run_import(path, tmp_path, "--publish")
    assert (second["created"], second["unchanged"]) == (0, 1093)
    rewritten = detail(api, "S-T-12031-a16ae3d0aa")  # "S&T-12031": readable part plus a hash of the original
    assert rewritten.status_code == 200
    assert rewritten.json()["title"] == "DHS Public Access Data Repository"


# --- data.gov.tw ------------------------------------------------------------------

def test_the_taiwan_export_is_detected_and_imported_as_drafts_then_published(db, api, staff, api_as, tmp_path):
    records = entries(TAIWAN)
    report, _ = run_import(TAIWAN, tmp_path)
    assert report["format"] == "data-gov-tw"
    distinct = len({record["NODE"] for record in records})
    assert (report["read"], report["created"]) == (936, distinct)
    assert report["skip_reasons"]["duplicate identifier in the file (first one kept)"]["count"] == 936 - distinct
    assert detail(api, "data.gov.tw-5981").status_code == 404  # a draft until published

    body = detail(api_as(staff), "data.gov.tw-5981").json()
    assert body["title"] == "水利防災資訊"
    assert body["organization"]["name"] == "經濟部水利署"
    assert body["keywords"] == ["水情", "警戒資訊", "防災"]
    assert body["licence"]["code"] == "gov-open-data"
    assert body["update_frequency"] == "irregular"
    assert body["source_url"] == "https://data.gov.tw/dataset/5981"
    assert [(r["format"], r["url"]) for r in body["resources"]] == [
        ("KML", "http://fhy.wra.gov.tw/Pub_Web_2011/kml/WRAWarm.kml")
    ]

    published, _ = run_import(TAIWAN, tmp_path, "--publish", "--format", "data-gov-tw")
    assert (published["created"], published["updated"]) == (0, distinct)
    assert detail(api, "data.gov.tw-5981").json()["state"] == "published"


def test_everything_can_go_to_one_organization(db, api, make_org, tmp_path):
    make_org("federal-sample", name_zh="联邦样例")
    report, _ = run_import(CATALOGS / "us-federal-fcc.data.json.gz", tmp_path,
                           "--organization", "federal-sample", "--publish", "--limit", "5")
    assert (report["read"], report["created"]) == (5, 5)
    body = detail(api, "https://opendata.fcc.gov/api/views/2ah7-n9rk").json()
    assert body["organization"]["slug"] == "federal-sample"


def test_bad_invocations_fail_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="no organization"):
        call_command("import_catalog", str(TAIWAN), "--organization", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_catalog", str(tmp_path / "missing.json"), stdout=StringIO())
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"items": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="unrecognized catalog format"):
        call_command("import_catalog", str(unknown), stdout=StringIO())
    with pytest.raises(CommandError, match="not a dcat-us catalog"):
        call_command("import_catalog", str(TAIWAN), "--format", "dcat-us", stdout=StringIO())
