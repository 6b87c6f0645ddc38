"""/data.json: the public catalog as DCAT-US 1.1 (non-federal), valid, streamed, graded, re-importable."""
import json
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from api_support import upload
from catalog_formats_support import HIDDEN, HOST, PUBLIC, ROOT, make_catalog
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from datasets.models import Dataset
from datasets.services.lifecycle import create_dataset, publish_dataset
from datasets.services.resources import add_file_resource, add_url_resource
from exchange import datajson

pytestmark = pytest.mark.django_db

POD = settings.BASE_DIR.parent / "shared" / "data" / "pod"
SCHEMA_BASE = "https://project-open-data.cio.gov/v1.1/schema/"


def validator():
    """The non-federal catalog schema, its dataset schema resolved from the file beside it."""
    catalog_schema, dataset_schema = (json.loads((POD / name).read_text(encoding="utf-8"))
                                      for name in ("catalog-non-federal.json", "dataset-non-federal.json"))
    registry = Registry().with_resource(SCHEMA_BASE + "dataset-non-federal.json", DRAFT4.create_resource(dataset_schema))
    # jsonschema checks "uri" only with an optional package; this one asks for an absolute http(s) URL.
    formats = FormatChecker()
    formats.checks("uri")(lambda value: urlsplit(value).scheme in ("http", "https") and bool(urlsplit(value).netloc))
    return Draft4Validator(catalog_schema, registry=registry, format_checker=formats)


def fetch(client, **headers):
    response = client.get("/data.json", HTTP_HOST=HOST, **headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response, json.loads(b"".join(response.streaming_content))


def by_identifier(document):
    return {entry["identifier"]: entry for entry in document["dataset"]}


def assert_valid(document):
    errors = sorted(validator().iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


def test_a_catalog_with_every_field_filled_is_valid_dcat_us(client, catalog):
    response, document = fetch(client)
    assert_valid(document)
    assert isinstance(response, StreamingHttpResponse)
    assert (document["@type"], document["conformsTo"]) == ("dcat:Catalog", "https://project-open-data.cio.gov/v1.1/schema")
    assert document["@id"] == f"{ROOT}/data.json"
    entry = by_identifier(document)["road-counts"]
    assert entry["title"] == "道路流量" and entry["description"] == "主要道路的**车流量**。"
    assert entry["keyword"] == ["交通", "流量"] and sorted(entry["theme"]) == ["空气质量", "道路交通"]
    assert entry["publisher"] == {"@type": "org:Organization", "name": "市交通委员会"}
    assert entry["contactPoint"] == {"@type": "vcard:Contact", "fn": "数据科", "hasEmail": "mailto:data@example.org"}
    assert (entry["accessLevel"], entry["license"]) == ("public", "https://creativecommons.org/licenses/by/4.0/")
    assert entry["spatial"] == "121.1,30.7,122.05,31.5" and entry["temporal"] == "2020-01-01/2024-12-31"
    assert entry["accrualPeriodicity"] == "R/P1M" and entry["language"] == ["zh-Hans"]
    assert entry["landingPage"] == f"{ROOT}/datasets/road-counts/"
    assert entry["modified"] == catalog["full"].modified.replace(microsecond=0).isoformat()
    assert entry["issued"] == catalog["full"].published_at.replace(microsecond=0).isoformat()
    file, page, data = entry["distribution"]
    file_resource = catalog["full"].resources.get(kind="file")
    assert file == {"@type": "dcat:Distribution", "downloadURL": f"{ROOT}/download/resources/{file_resource.pk}/",
                    "mediaType": "text/csv", "format": "CSV", "title": file_resource.name}
    # A link of no known media type is a page to visit; a JSON link is a download.
    assert page == {"@type": "dcat:Distribution", "accessURL": "https://example.org/api/road", "format": "HTML",
                    "title": "在线接口", "description": "接口文档"}
    assert data["downloadURL"] == "https://example.org/road-2024.json" and data["mediaType"] == "application/json"
    stations = by_identifier(document)["air-stations"]
    assert json.loads(stations["spatial"]) == {"type": "Point", "coordinates": [121.5, 31.2]}
    assert stations["accrualPeriodicity"] == "R/PT1S" and stations["publisher"]["name"] == "市生态环境局"
    assert by_identifier(document)["harbour-throughput"]["language"] == ["en"]


def test_minimal_datasets_are_valid_too(client, make_dataset):
    make_dataset("bare", with_file=False, licence=None, themes=[], title="最少字段")
    make_dataset("bare-file", licence=None, themes=[], title="只有文件", update_frequency="never")
    _response, document = fetch(client)
    assert_valid(document)
    bare = by_identifier(document)["bare"]
    # The schema requires a description and a contact's name: the title and the publisher stand in.
    assert bare["description"] == "最少字段" and bare["contactPoint"] == {"@type": "vcard:Contact", "fn": "市交通委员会"}
    assert not {"keyword", "theme", "license", "distribution", "spatial", "temporal", "rights"} & set(bare)
    assert bare["accrualPeriodicity"] == "irregular"
    assert "accrualPeriodicity" not in by_identifier(document)["bare-file"]  # "never" has no ISO period


def test_an_empty_catalog_is_a_valid_document(client):
    _response, document = fetch(client)
    assert document["dataset"] == []
    assert_valid(document)


@pytest.mark.parametrize("who", ["anonymous", "publisher", "staff"])
def test_only_the_anonymous_readers_catalog_whoever_asks(client, catalog, publisher, staff, who):
    if who != "anonymous":
        client.force_login({"publisher": publisher, "staff": staff}[who])
    _response, document = fetch(client)
    assert set(by_identifier(document)) == {catalog[key].identifier for key in PUBLIC}
    text = json.dumps(document, ensure_ascii=False)
    assert "zqsecret" not in text and not any(catalog[key].identifier in text for key in HIDDEN)
    conditional = by_identifier(document)["taxi-trips"]
    assert conditional["accessLevel"] == "restricted public"
    assert conditional["rights"] == f"有条件开放：数据需向提供单位申请，经审核同意后方可获取。申请地址：{ROOT}/access/apply/taxi-trips"
    assert "/download/" not in json.dumps(conditional) and "downloadURL" not in json.dumps(conditional)
    resources = catalog["conditional"].resources.order_by("position", "id")
    assert [item["accessURL"] for item in conditional["distribution"]] == [
        f"{ROOT}/datasets/taxi-trips/#resource-{resource.pk}" for resource in resources]


def test_an_over_long_apply_address_leaves_rights_short_and_valid(client, make_dataset):
    identifier = "条件" * 99
    make_dataset(identifier, open_grade="conditional", with_file=False)
    _response, document = fetch(client)
    assert_valid(document)
    assert by_identifier(document)[identifier]["rights"] == "有条件开放：数据需向提供单位申请，经审核同意后方可获取，详见数据集页面。"


def publish_many(publisher, organization, prefix, count):
    for number in range(count):
        dataset = create_dataset(user=publisher, organization=organization, data={
            "identifier": f"{prefix}-{number}", "title": f"批量 {number}", "themes": ["transport"],
            "keywords": ["批量"], "licence": "cc-by-4.0"})
        add_url_resource(user=publisher, dataset=dataset, data={
            "name": "表", "url": f"https://example.org/{prefix}-{number}.csv"}, claimed_format="CSV")
        publish_dataset(user=publisher, dataset=dataset)


def queries_for_catalog(client):
    with CaptureQueriesContext(connection) as queries:
        _response, document = fetch(client)
    return len(queries), len(document["dataset"])


def test_the_catalog_is_streamed_in_a_number_of_queries_that_does_not_grow_with_it(client, publisher, transport_bureau):
    publish_many(publisher, transport_bureau, "few", 3)
    few = queries_for_catalog(client)
    publish_many(publisher, transport_bureau, "many", 300)
    many = queries_for_catalog(client)
    assert (few[1], many[1]) == (3, 303)
    assert many[0] == few[0], f"{few[0]} queries for 3 datasets, {many[0]} for 303"


def test_smaller_chunks_give_the_same_catalog(client, publisher, transport_bureau, monkeypatch):
    publish_many(publisher, transport_bureau, "chunked", 25)
    _response, whole = fetch(client)
    monkeypatch.setattr(datajson, "CHUNK_SIZE", 4)  # 7 chunks, the last one short
    _response, chunked = fetch(client)
    assert chunked == whole and len(whole["dataset"]) == 25
    assert all(entry["distribution"][0]["downloadURL"].endswith(f"/{entry['identifier']}.csv") for entry in whole["dataset"])


# --- the round trip through import_catalog ------------------------------------------------

def comparable(document):
    """The entries as the format carries them, less what a re-import sets anew: the import's own dates,
    and a conditional distribution's anchor (its resource's new id)."""
    text = re.sub(r"#resource-\d+", "#resource-N", json.dumps(document["dataset"], ensure_ascii=False))
    entries = json.loads(text)
    for entry in entries:
        entry.pop("modified"), entry.pop("issued")
    return sorted(entries, key=lambda entry: entry["identifier"])


def test_data_json_is_reimported_by_import_catalog_with_nothing_lost_that_it_carries(
        client, api, make_dataset, publisher, other_publisher, eco_bureau, tmp_path):
    # Identifiers are never reused, even once deleted: the catalog is exported, then rolled back, so the
    # import finds a database that never held it.
    with transaction.atomic():
        make_catalog(make_dataset, publisher, other_publisher, eco_bureau)
        _response, exported = fetch(client)
        transaction.set_rollback(True)
    assert not Dataset.objects.exists()
    path = tmp_path / "data.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_catalog", str(path), "--publish", stdout=out)
    assert "created 4, updated 0, unchanged 0, skipped 0" in out.getvalue()

    _response, again = fetch(client)
    assert comparable(again) == comparable(exported)
    # Into new organizations, named as the publishers were.
    assert {dataset.organization.name_zh for dataset in Dataset.objects.select_related("organization")} == {
        "市交通委员会", "市生态环境局"}
    assert Dataset.objects.filter(organization__slug="transport-bureau").count() == 0
    # An English catalog's texts are English again, and the fields the format maps come back as they were.
    english = api.get(reverse("api-dataset-detail", args=["harbour-throughput"])).json()
    assert (english["title_en"], english["description_en"], english["keywords_en"]) == (
        "Harbour throughput", "Monthly tonnage.", ["ports", "freight"])
    assert english["resources"][0]["name_en"] == "Tonnage table"
    full = Dataset.objects.get(identifier="road-counts")
    assert (full.update_frequency, full.licence.code, full.open_grade) == ("monthly", "cc-by-4.0", "open")
    assert sorted(theme.code for theme in full.themes.all()) == ["environment-air", "transport-road"]
    assert (str(full.temporal_start), str(full.temporal_end)) == ("2020-01-01", "2024-12-31")
    assert full.spatial_bbox == [121.1, 30.7, 122.05, 31.5]
    assert (full.contact_name, full.contact_email) == ("数据科", "data@example.org")
    assert [(r.format, r.media_type) for r in full.resources.all()] == [
        ("CSV", "text/csv"), ("HTML", ""), ("JSON", "application/json")]
    assert [r.format for r in Dataset.objects.get(identifier="taxi-trips").resources.all()] == ["CSV", "JSON"]
    assert Dataset.objects.get(identifier="air-stations").spatial_geojson == {"type": "Point", "coordinates": [121.5, 31.2]}


def test_hostile_text_stays_data(client, make_dataset, publisher):
    dataset = make_dataset("hostile", title='"]}</script><script>alert(1)</script>', description="\u2028<!--")
    add_file_resource(user=publisher, dataset=dataset, uploaded=upload("second.csv"), data={"name": '","x":"'})
    _response, document = fetch(client)
    entry = by_identifier(document)["hostile"]
    assert entry["title"] == '"]}</script><script>alert(1)</script>'
    assert entry["distribution"][1]["title"] == '","x":"'
