"""Bilingual metadata through the public doors: pages in /en/ and Chinese, the API's `lang` and
Accept-Language, writes (services, pages, API), search, and an English catalog import."""
import gzip
import json
import re
from io import StringIO

import pytest
from catalog_files import CATALOGS
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from datasets.services.lifecycle import update_dataset
from datasets.services.resources import update_resource
from organizations.services import save_organization

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def bilingual(make_dataset, publisher):
    """An open dataset with English texts, one without any, and a restricted one with an English title."""
    english = make_dataset("harbour-stats", title="港口吞吐量", title_en="Harbour throughput",
                           description="各码头的货物吞吐量。", description_en="Cargo handled by each **terminal**.",
                           keywords=["港口", "货运"], keywords_en=["ports", "freight"])
    update_resource(user=publisher, resource=english.resources.get(), data={"name_en": "Throughput table"})
    chinese = make_dataset("bridge-counts", title="桥梁车流量", description="主要桥梁的车流量。")
    hidden = make_dataset("quay-ledger", open_grade="restricted", title="码头内部台账", title_en="Quayside ledger")
    call_command("rebuild_search_index", "--no-progress")
    return {"english": english, "chinese": chinese, "hidden": hidden}


def page(client, path, language="en"):
    prefix = "/en" if language == "en" else ""
    response = client.get(prefix + path)
    assert response.status_code == 200, path
    return response.content.decode()


def fallback_spans(html):
    """The texts wrapped as Chinese on a page."""
    return re.findall(r'<span lang="zh-Hans">([^<]*)</span> <small class="language-note">\(in Chinese\)</small>', html)


# --- pages --------------------------------------------------------------------

def test_english_pages_show_english_metadata(client, bilingual):
    html = page(client, "/datasets/harbour-stats/")
    assert "<h1>Harbour throughput</h1>" in html
    assert "Cargo handled by each <strong>terminal</strong>." in html
    assert "ports, freight" in html and "Throughput table" in html
    assert "Municipal Transport Commission" in html
    assert fallback_spans(html) == ["桥梁车流量"]  # only the related dataset, which has no English
    # History labels are the Chinese names an object had when it changed, and say so.
    assert '<span class="timeline-label" lang="zh-Hans">港口吞吐量</span>' in html


def test_english_pages_fall_back_to_chinese_and_say_so(client, bilingual):
    html = page(client, "/datasets/bridge-counts/")
    assert "<h1><span lang=\"zh-Hans\">桥梁车流量</span> <small class=\"language-note\">(in Chinese)</small></h1>" in html
    assert '<div lang="zh-Hans"><p>主要桥梁的车流量。</p></div><p class="language-note">(in Chinese)</p>' in html
    assert "桥梁车流量" in fallback_spans(html)


def test_chinese_pages_show_chinese_without_notes(client, bilingual):
    html = page(client, "/datasets/harbour-stats/", language="zh")
    assert "<h1>港口吞吐量</h1>" in html and "港口、货运" in html
    assert "Harbour throughput" not in html and "language-note" not in html


def test_lists_and_search_show_the_localized_title(client, bilingual):
    listing = page(client, "/datasets/")
    assert "Harbour throughput" in listing and "桥梁车流量" in fallback_spans(listing)
    assert "Quayside" not in listing  # restricted: invisible in any language
    found = page(client, "/search/?q=throughput")
    assert "Harbour throughput" in found and "Cargo handled by each terminal." in found
    assert "Quayside" not in page(client, "/search/?q=ledger")
    # A Chinese title shown on an English page keeps its highlight and says it is Chinese.
    marked = "<mark>桥</mark><mark>梁</mark>车流量"  # the database backend marks each Han character
    assert f'<span lang="zh-Hans">{marked}</span> <small class="language-note">(in Chinese)</small>' in page(
        client, "/search/?q=桥梁")
    assert f'">{marked}</a>' in page(client, "/search/?q=桥梁", language="zh")
    assert client.get("/en/datasets/quay-ledger/").status_code == 404


def test_organization_and_theme_texts_fall_back(client, staff, transport_bureau, bilingual):
    save_organization(user=staff, organization=transport_bureau,
                      data={"description": "负责全市交通。", "description_en": ""})
    html = page(client, "/organizations/transport-bureau/")
    assert "<p>负责全市交通。</p>" in html and '<div lang="zh-Hans">' in html
    save_organization(user=staff, organization=transport_bureau, data={"description_en": "Runs the transport of the city."})
    assert "Runs the transport of the city." in page(client, "/organizations/transport-bureau/")
    assert "负责全市交通。" in page(client, "/organizations/transport-bureau/", language="zh")


def test_a_portal_language_the_browser_asks_for_but_we_do_not_speak_gives_chinese(client, bilingual):
    response = client.get("/datasets/harbour-stats/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 200 and "<h1>港口吞吐量</h1>" in response.content.decode()


# --- API reads ------------------------------------------------------------------

def detail(api, identifier="harbour-stats", **headers):
    return api.get(reverse("api-dataset-detail", args=[identifier]), **headers)


@pytest.mark.parametrize("ask", [{"path": "?lang=en"}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}])
def test_the_api_answers_in_english_by_lang_or_accept_language(api, bilingual, ask):
    path = reverse("api-dataset-detail", args=["harbour-stats"]) + ask.pop("path", "")
    response = api.get(path, **ask)
    body = response.json()
    assert (body["title"], body["title_zh"], body["title_en"]) == ("Harbour throughput", "港口吞吐量", "Harbour throughput")
    assert body["keywords"] == ["ports", "freight"] and body["keywords_zh"] == ["港口", "货运"]
    assert body["language"] == {"title": "en", "description": "en", "keywords": "en"}
    assert body["organization"]["name"] == "Municipal Transport Commission"
    resource = body["resources"][0]
    assert (resource["name"], resource["language"]["name"]) == ("Throughput table", "en")
    assert resource["language"]["description"] == "en"  # neither text set: the one asked for, empty
    assert response["Content-Language"] == "en" and "Accept-Language" in response["Vary"]


def test_the_api_falls_back_to_chinese_and_says_so(api, bilingual):
    body = detail(api, "bridge-counts", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["title"], body["title_en"], body["language"]["title"]) == ("桥梁车流量", "", "zh")
    assert body["description"] == "主要桥梁的车流量。" and body["language"]["description"] == "zh"


@pytest.mark.parametrize("headers", [{}, {"HTTP_ACCEPT_LANGUAGE": "fr"}, {"HTTP_ACCEPT_LANGUAGE": "xx-YY;q=1, *;q=0.1"}])
def test_the_api_defaults_to_chinese(api, bilingual, headers):
    response = detail(api, **headers)
    body = response.json()
    assert body["title"] == "港口吞吐量" and body["language"]["title"] == "zh"
    assert response["Content-Language"] == "zh-hans"


def test_lang_comes_before_accept_language(api, bilingual):
    response = api.get(reverse("api-dataset-detail", args=["harbour-stats"]) + "?lang=zh", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["title"] == "港口吞吐量" and response["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("query", ["lang=xx", "lang=", "lang=EN", "lang=en&lang=zh"])
def test_an_unknown_lang_is_a_400_naming_it(api, bilingual, query):
    for path in (reverse("api-dataset-detail", args=["harbour-stats"]), reverse("api-dataset-list"),
                 reverse("api-search")):
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert list(response.json()["error"]["fields"]) == ["lang"]


def test_lists_search_and_vocabularies_are_localized(api, bilingual):
    listing = api.get(reverse("api-dataset-list") + "?lang=en").json()["results"]
    titles = {entry["identifier"]: entry["title"] for entry in listing}
    assert titles == {"harbour-stats": "Harbour throughput", "bridge-counts": "桥梁车流量"}  # restricted: absent
    hits = api.get(reverse("api-search") + "?q=throughput&lang=en").json()["results"]
    entry = next(entry for entry in listing if entry["identifier"] == "harbour-stats")
    assert [hit["identifier"] for hit in hits] == ["harbour-stats"]
    assert {key: hits[0][key] for key in entry} == entry  # a hit is the list entry, languages included
    assert api.get(reverse("api-search") + "?q=ledger&lang=en").json()["count"] == 0
    assert detail(api, "quay-ledger", HTTP_ACCEPT_LANGUAGE="en").status_code == 404
    themes = api.get(reverse("api-theme-list") + "?lang=en").json()
    theme = themes[0] if isinstance(themes, list) else themes["results"][0]
    assert set(theme["language"]) == {"name", "description"} and theme["language"]["name"] == "en"


def test_the_schema_documents_lang_and_the_bilingual_fields(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/datasets/{identifier}/"]["get"]
    lang = next(parameter for parameter in operation["parameters"] if parameter["name"] == "lang")
    assert sorted(lang["schema"]["enum"]) == ["en", "zh"]
    dataset = schema["components"]["schemas"]["DatasetDetail"]["properties"]
    assert {"title_zh", "title_en", "description_en", "keywords_en", "language"} <= set(dataset)
    assert sorted(dataset["language"]["properties"]["title"]["enum"]) == ["en", "zh"]
    write = schema["components"]["schemas"]["DatasetWriteRequest"]["properties"]
    assert {"title_en", "description_en", "keywords_en"} <= set(write)


# --- writes -----------------------------------------------------------------------

def test_the_api_writes_english_fields_and_refuses_over_long_ones(api_as, publisher, bilingual):
    client = api_as(publisher)
    path = reverse("api-dataset-detail", args=["bridge-counts"])
    response = client.patch(path, {"title_en": "  Bridge traffic  ", "keywords_en": ["bridges", " "]}, format="json")
    assert response.status_code == 200
    assert (response.json()["title_en"], response.json()["keywords_en"]) == ("Bridge traffic", ["bridges"])
    for field, value in (("title_en", "x" * 301), ("description_en", "x" * 50_001), ("keywords_en", ["x" * 101])):
        refused = client.patch(path, {field: value}, format="json")
        assert refused.status_code == 400 and list(refused.json()["error"]["fields"]) == [field], field
    assert client.patch(path, {"title_en": ["x"]}, format="json").status_code == 400  # strict: a string
    resource = bilingual["chinese"].resources.get()
    refused = client.patch(reverse("api-resource-detail", args=[resource.pk]), {"name_en": "x" * 301}, format="json")
    assert refused.status_code == 400 and list(refused.json()["error"]["fields"]) == ["name_en"]
    # Empty English is "not set": the Chinese text is shown again.
    client.patch(path, {"title_en": ""}, format="json")
    assert detail(client, "bridge-counts", HTTP_ACCEPT_LANGUAGE="en").json()["title"] == "桥梁车流量"


def test_the_publisher_form_writes_english_fields(client, publisher, bilingual):
    client.force_login(publisher)
    path = reverse("dataset-edit", args=["bridge-counts"])
    form = {"title": "桥梁车流量", "title_en": "Bridge traffic", "description_en": "Vehicles per day.",
            "keywords_en": "bridges, traffic", "open_grade": "open", "update_frequency": "irregular"}
    response = client.post(path, form)
    assert response.status_code == 302
    html = page(client, "/datasets/bridge-counts/")
    assert "<h1>Bridge traffic</h1>" in html and "bridges, traffic" in html
    refused = client.post(path, {**form, "title_en": "x" * 301})
    assert refused.status_code == 200 and refused.context["form"].errors["title_en"]


def test_the_admin_writes_english_fields(client, staff, bilingual):
    client.force_login(staff)
    dataset = bilingual["chinese"]
    path = reverse("admin:datasets_dataset_change", args=[dataset.pk])
    form = client.get(path).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(themes=[theme.pk for theme in dataset.themes.all()], licence=dataset.licence.pk,
                title_en="Bridge traffic", keywords_en="bridges, traffic",
                **{f"resources-{key}": value for key, value in
                   {"TOTAL_FORMS": 1, "INITIAL_FORMS": 1, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()},
                **{"resources-0-id": dataset.resources.get().pk, "resources-0-dataset": dataset.pk})
    data.pop("organization", None)
    response = client.post(path, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dataset.refresh_from_db()
    assert (dataset.title_en, dataset.keywords_en) == ("Bridge traffic", ["bridges", "traffic"])


def test_the_services_name_every_over_long_english_field(publisher, bilingual):
    with pytest.raises(ValidationError) as error:
        update_dataset(user=publisher, dataset=bilingual["chinese"],
                       data={"title_en": "x" * 301, "description_en": "x" * 50_001, "title": "桥"})
    assert set(error.value.message_dict) == {"title_en", "description_en"}


# --- importers ------------------------------------------------------------------------

def imported(path, *args):
    call_command("import_catalog", str(path), "--publish", *args, stdout=StringIO())


def test_an_english_catalog_fills_the_english_fields(api, db):
    """CFPB's data.json declares no language: its texts have no CJK, so they are English."""
    imported(CATALOGS / "us-federal-consumerfinance.data.json.gz")
    body = detail(api, "CCDB", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["title"] == body["title_en"] == body["title_zh"] == "Consumer Complaint Database"
    assert body["description_en"] and body["description_en"] == body["description_zh"]
    assert body["language"] == {"title": "en", "description": "en", "keywords": "en"}
    assert body["keywords_en"] == body["keywords_zh"]
    assert body["resources"][0]["name_en"] == body["resources"][0]["name_zh"]


def test_a_declared_english_catalog_fills_them_too(api_as, staff):
    path = CATALOGS / "us-federal-opm.data.json.gz"
    first = json.loads(gzip.decompress(path.read_bytes()))["dataset"][0]
    assert first["language"] == ["en-US"]
    imported(path, "--limit", "3")  # non-public ones: restricted, so staff reads them
    listing = api_as(staff).get(reverse("api-dataset-list") + "?lang=en").json()["results"]
    assert len(listing) == 3 and all(entry["title_en"] == entry["title_zh"] for entry in listing)


def test_a_chinese_catalog_leaves_them_empty(api, db):
    imported(CATALOGS / "tw-data-gov-tw.json.gz", "--limit", "5")
    listing = api.get(reverse("api-dataset-list") + "?lang=en").json()["results"]
    assert listing and all(entry["title_en"] == "" and entry["language"]["title"] == "zh" for entry in listing)
    assert all(CJK.search(entry["title"]) for entry in listing)
