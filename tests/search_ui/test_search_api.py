"""GET /api/v1/search/, /suggest/ and /related/: facets, grades, bad input; on both backends."""
import pytest

from datasets.models import Dataset
from search_ui_support import facet, identifiers

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_answer_shape_and_hit_order(api, catalog):
    body = search(api, q="公交线路")
    assert set(body) == {"count", "page", "page_size", "degraded", "did_you_mean", "results", "facets"}
    assert (body["count"], body["page"], body["page_size"], body["degraded"]) == (1, 1, 20, False)
    hit = body["results"][0]
    assert hit["identifier"] == "bus-routes"
    assert hit["organization"]["slug"] == "transport-bureau"
    assert "<mark>" in hit["highlights"]["title"]
    assert set(body["facets"]) == {"organization", "theme", "keyword", "format", "open_grade", "licence",
                                   "update_frequency", "quality"}
    ordered = identifiers(search(api, sort="title", page_size=4))
    assert sorted(ordered) == ["air-quality", "bus-routes", "metro-ridership", "parking-lots"]
    pages = [identifiers(search(api, sort="title", page_size=2, page=page)) for page in (1, 2)]
    assert pages[0] + pages[1] == ordered


def test_facets_count_and_are_disjunctive_within_conjunctive_across(api, catalog):
    body = search(api, theme="transport-public")
    assert sorted(identifiers(body)) == ["bus-routes", "metro-ridership"]
    themes = facet(body, "theme")
    # The theme facet ignores its own selection so the other themes stay choosable.
    assert themes["transport-public"] == (2, True)
    assert themes["environment-air"] == (1, False)
    assert themes["transport"] == (3, False)  # parent theme counts its sub-themes' datasets
    assert facet(body, "organization") == {"transport-bureau": (2, False)}
    assert facet(body, "format") == {"CSV": (2, False)}
    assert facet(body, "update_frequency") == {"monthly": (1, False), "daily": (1, False)}

    both = search(api, theme=["transport-public", "environment-air"])
    assert sorted(identifiers(both)) == ["air-quality", "bus-routes", "metro-ridership"]
    assert search(api, theme="transport-public,environment-air")["count"] == 3
    across = search(api, theme=["transport-public", "environment-air"], organization="eco-bureau")
    assert identifiers(across) == ["air-quality"]
    assert facet(across, "organization") == {"transport-bureau": (2, False), "eco-bureau": (1, True)}
    assert search(api, format="csv", licence="cc0-1.0")["count"] == 1


def test_filters_by_region_dates_and_bbox(api, catalog):
    assert sorted(identifiers(search(api, region="浦东新区"))) == ["air-quality", "bus-routes"]
    assert sorted(identifiers(search(api, bbox="121.4,31.4,122,32"))) == ["bus-routes", "metro-ridership"]
    assert identifiers(search(api, bbox="121.0,31.45,121.5,32")) == ["bus-routes"]
    assert search(api, bbox="0,0,1,1")["count"] == 0
    assert search(api, published_from="2000-01-01")["count"] == 4
    assert search(api, published_to="2000-01-01")["count"] == 0


@pytest.mark.parametrize("who, expected", [
    ("anonymous", ["bus-routes"]),
    ("citizen", ["bus-routes"]),
    ("publisher", ["bus-routes", "signal-control"]),
    ("other_publisher", ["bus-routes", "eco-secret"]),
    ("staff", ["bus-routes", "eco-secret", "signal-control"]),
])
def test_grades_hold_in_results_totals_and_facet_counts(request, api, api_as, catalog, who, expected):
    client = api if who == "anonymous" else api_as(request.getfixturevalue(who))
    body = search(client, keyword="公交")
    assert sorted(identifiers(body)) == expected
    assert body["count"] == len(expected)
    assert facet(body, "keyword")["公交"] == (len(expected), True)
    everything = search(client, page_size=100)
    assert "draft-counts" not in identifiers(everything)  # search lists published datasets only
    counted = sum(count for count, _selected in facet(everything, "organization").values())
    assert counted == everything["count"] == len(identifiers(everything))
    grades = facet(everything, "open_grade")
    assert ("restricted" in grades) == (who != "anonymous" and who != "citizen")
    text = search(client, q="信号控制")
    assert identifiers(text) == (["signal-control"] if "signal-control" in expected else [])


@pytest.mark.parametrize("text", [
    '"unbalanced', "(((公交", "公交)]}", 'title:(a OR b)^3 ~ * ?', "AND OR NOT", "x" * 5_000,
    "公交\t线路\r\n", "🚌🚇 公交 🚍", "   ", "\u200b\u202e", "-", '""', "\\", "{!lucene}*:*",
    "' OR 1=1 --", "<script>alert(1)</script>",
])
def test_any_text_answers_200(api, catalog, text):
    response = api.get(URL, {"q": text})
    assert response.status_code == 200, response.content
    assert "restricted" not in {row["value"] for row in response.json()["facets"]["open_grade"]}


@pytest.mark.parametrize("text, status", [("公交\x00\x07\x1b线路", 400), ("x" * 10_000, 414)])
def test_control_characters_and_over_long_urls_are_refused_in_the_error_shape(api, catalog, text, status):
    response = api.get(URL, {"q": text})
    assert response.status_code == status, response.content
    assert response.json()["error"]["status"] == status


@pytest.mark.parametrize("params, field", [
    ({"modified_from": "2024-13-01"}, "modified_from"),
    ({"published_to": "yesterday"}, "published_to"),
    ({"temporal_start": "2024-02-01", "temporal_end": "2024-01-01"}, "temporal_end"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "200,0,210,10"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"page": "1000"}, "page"),
    ({"page": "0"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page_size": "1000"}, "page_size"),
    ({"sort": "random"}, "sort"),
    ({"theme": "no-such-theme"}, "theme"),
    ({"organization": "no-such-org"}, "organization"),
    ({"open_grade": "secret"}, "open_grade"),
    ({"licence": "no-such-licence"}, "licence"),
    ({"update_frequency": "hourly"}, "update_frequency"),
    ({"quality": "60-"}, "quality"),
    ({"keyword": ["k%d" % n for n in range(60)]}, "keyword"),
])
def test_bad_parameters_answer_400_naming_them(api, catalog, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]


def test_suggest_follows_grades(api, api_as, catalog, publisher):
    body = api.get(URL + "suggest/", {"q": "公交"}).json()
    assert {"kind": "dataset", "value": "bus-routes", "label": "公交线路 Bus routes"} in body["results"]
    assert {"kind": "keyword", "value": "公交", "label": "公交"} in body["results"]
    restricted = api.get(URL + "suggest/", {"q": "信号"}).json()
    assert "signal-control" not in {item["value"] for item in restricted["results"]}
    mine = api_as(publisher).get(URL + "suggest/", {"q": "信号"}).json()
    assert "signal-control" in {item["value"] for item in mine["results"]}
    organizations = api.get(URL + "suggest/", {"q": "市"}).json()["results"]
    assert {item["value"] for item in organizations if item["kind"] == "organization"} == {
        "transport-bureau", "eco-bureau"}
    for text in ("", "   ", "x" * 5000, '"(*'):
        response = api.get(URL + "suggest/", {"q": text})
        assert response.status_code == 200


def test_a_result_is_the_catalog_entry_plus_rank_and_highlights(api, catalog):
    """Results are built from the index's summaries, and must read exactly as the catalog lists them."""
    listed = {item["identifier"]: item for item in api.get("/api/v1/datasets/", {"page_size": 100}).json()["results"]}
    results = search(api, q="公交", page_size=100)["results"] + search(api, page_size=100)["results"]
    assert {hit["identifier"] for hit in results} == set(listed)
    for hit in results:
        assert {key: value for key, value in hit.items() if key not in ("rank", "highlights")} == listed[
            hit["identifier"]]


def test_a_rank_is_the_position_among_all_results(api, catalog):
    pages = [search(api, sort="title", page_size=2, page=page)["results"] for page in (1, 2)]
    assert [hit["rank"] for hit in pages[0] + pages[1]] == [1, 2, 3, 4]
    assert [hit["rank"] for hit in api.get(URL + "related/bus-routes/").json()["results"]] == [1, 2]


def test_adding_only_restricted_datasets_changes_nothing_in_the_public_answer(
    api, catalog, make_dataset, django_capture_on_commit_callbacks
):
    """Engine scores count every document in their term statistics, hidden ones too: none is shown."""
    queries = [{"q": "地铁"}, {"q": "公交"}, {"q": "停车场 泊位"}, {"q": "Bus routes"}, {}]
    before = [search(api, **params) for params in queries]
    assert [len(body["results"]) for body in before] == [1, 2, 1, 1, 4]
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            make_dataset(f"hidden-{n}", open_grade="restricted", title=f"地铁公交停车场 Bus routes {n}",
                         description="地铁 公交 停车场 泊位 客流", keywords=["地铁", "公交"])
    assert [search(api, **params) for params in queries] == before


@pytest.mark.parametrize("engine", ["database"], indirect=True)
def test_entries_indexed_before_summaries_existed_still_read_in_full(api, catalog):
    from search.models import SearchEntry

    before = search(api, q="公交")["results"]
    SearchEntry.objects.update(summary=None)  # as migration 0002 leaves the entries of an older index
    assert search(api, q="公交")["results"] == before


def test_results_follow_grades_and_counts_the_index_has_not_caught_up_with(api, catalog):
    bus = catalog["bus-routes"]
    resource = api.get(f"/api/v1/datasets/{bus.identifier}/").json()["resources"][0]
    download = api.get(resource["download_url"])
    assert download.status_code == 200
    b"".join(download.streaming_content)  # consumed, the response closes and counts the download
    assert search(api, q="公交线路")["results"][0]["download_count"] == bus.download_count + 1
    # A re-grading the index has not seen yet (no signal, so no re-index) still hides the dataset.
    Dataset.objects.filter(pk=bus.pk).update(open_grade="restricted")
    assert identifiers(search(api, q="公交线路")) == []


def test_related_follows_grades_and_hides_unseen_datasets(api, api_as, catalog, publisher, citizen):
    assert identifiers(api.get(URL + "related/bus-routes/").json()) == ["metro-ridership", "parking-lots"]
    mine = identifiers(api_as(publisher).get(URL + "related/bus-routes/").json())
    assert mine[0] == "signal-control"  # shares a keyword (2) and the transport theme (1)
    assert api.get(URL + "related/signal-control/").status_code == 404
    assert api_as(citizen).get(URL + "related/draft-counts/").status_code == 404
    assert api.get(URL + "related/no-such-dataset/").status_code == 404
    assert api_as(publisher).get(URL + "related/signal-control/").status_code == 200


def test_unreachable_elasticsearch_answers_from_the_database(api, es_catalog, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    body = search(api, q="公交", theme="transport-public")
    assert body["degraded"] is True
    assert identifiers(body) == ["bus-routes"]
    assert "restricted" not in facet(search(api), "open_grade")


def test_search_is_in_the_api_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert {"q", "organization", "theme", "keyword", "format", "open_grade", "licence", "update_frequency",
            "quality", "region", "modified_from", "modified_to", "published_from", "published_to", "temporal_start",
            "temporal_end", "bbox", "sort", "page", "page_size"} <= parameters
    assert "/api/v1/search/suggest/" in schema["paths"]
    assert "/api/v1/search/related/{identifier}/" in schema["paths"]


def test_answers_have_the_documented_shape(api, catalog):
    """The answer is written directly (search.serializers), so hold it to the schema it documents."""
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    def properties(reference):
        """The properties of the component a property refers to ($ref, or allOf [$ref] when read-only)."""
        reference = reference.get("items", reference)
        reference = reference["allOf"][0] if "allOf" in reference else reference
        return components[reference["$ref"].rsplit("/", 1)[1]]["properties"]

    answer = properties(schema["paths"]["/api/v1/search/"]["get"]["responses"]["200"]["content"]["application/json"]
                        ["schema"])
    hit_fields, facets = properties(answer["results"]), properties(answer["facets"])
    body = search(api, q="公交", page_size=100)
    related = api.get(URL + "related/bus-routes/").json()["results"]
    assert set(body) == set(answer)
    assert body["results"] and related
    for hit in body["results"] + related:
        assert set(hit) == set(hit_fields)
        for name in ("organization", "licence"):
            assert set(hit[name]) == set(properties(hit_fields[name]))
        assert all(set(theme) == set(properties(hit_fields["themes"])) for theme in hit["themes"])
    assert set(body["facets"]) == set(facets)
    assert all(set(row) == set(properties(facets[name])) for name, rows in body["facets"].items() for row in rows)
