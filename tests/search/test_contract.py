"""The search contract: the same queries give the same answers on every backend.

Each test runs against the database backend (on the test PostgreSQL) and
Elasticsearch (the real server, under this run's SEARCH_INDEX_PREFIX);
test_sqlite_contract.py runs the database backend's half again on SQLite (FTS5).
"""
import pytest
from django.db import connection

from datasets.grading import Viewer
from datasets.models import Dataset
from datasets.services.download_counts import count_download
from datasets.services.lifecycle import archive_dataset, delete_dataset, update_dataset
from search.backends import QueryError, SearchQuery, get_search_backend

pytestmark = pytest.mark.django_db

ANONYMOUS = Viewer(None)
ANONYMOUS_PUBLISHED = {"bus-routes", "metro-ridership", "parking-lots", "air-quality"}


def run(backend, user=None, **params):
    return backend.search(SearchQuery(viewer=Viewer(user), page_size=100, **params))


def identifiers(backend, results, corpus):
    by_id = {dataset.pk: identifier for identifier, dataset in corpus.items()}
    return [by_id[pk] for pk in results.dataset_ids]


def found(backend, corpus, user=None, **params):
    return set(identifiers(backend, run(backend, user, **params), corpus))


def facet(results, name):
    return {value: count for value, _label, count in results.facets[name]}


@pytest.mark.parametrize("text, expected", [
    ("公交", {"bus-routes", "parking-lots"}),                    # title/keywords, and description
    ("bus routes", {"bus-routes"}),
    ("BUS", {"bus-routes"}),
    ("交通委员会", {"bus-routes", "metro-ridership", "parking-lots"}),  # organization name
    ("Ecology Bureau", {"air-quality"}),                         # English organization name
    ("公共交通", {"bus-routes", "metro-ridership"}),               # theme name
    ("交通出行", {"bus-routes", "metro-ridership", "parking-lots"}),  # parent theme name
    ("station_code", {"air-quality"}),                           # column name
    ("监测站", {"air-quality"}),                                  # column title
    ("小时浓度", {"air-quality"}),                                 # resource name
    ("PM2.5", {"air-quality"}),
    ("json", {"air-quality"}),                                   # format
    ("浦东新区", {"bus-routes", "air-quality"}),                    # region
    ("公交 timetable", {"bus-routes"}),                           # every term must match
    ("公交 nonexistentword", set()),
    ('"公交线路"', {"bus-routes"}),                                 # phrase: adjacent characters
    ('"线路公交"', set()),
    ('"bus routes"', {"bus-routes"}),
    ('"routes bus"', set()),
    ("公交 -停车", {"bus-routes"}),                                 # exclusion
    ('-"停车场" 公交', {"bus-routes"}),
    ("-公交", {"metro-ridership", "air-quality"}),                # only exclusions: browse minus them
])
def test_text_matching(backend, corpus, text, expected):
    assert found(backend, corpus, text=text) == expected


def test_title_match_ranks_first(backend, corpus):
    results = run(backend, text="公交")
    assert identifiers(backend, results, corpus)[0] == "bus-routes"
    assert results.hits[0].score > results.hits[1].score


@pytest.mark.parametrize("title", [
    "臺中市固定污染源空氣污染物連續自動監測設施(CEMS)監測數據資料_即時監測數據",
    "Number of Businesses that are Arts-Related per 1,000 Residents - Community Statistical Area",
])
def test_a_title_equal_to_the_query_ranks_above_longer_ones(backend, make_dataset, title):
    exact = make_dataset("exact", title=title)
    for n in range(3):  # newer, and matching in their descriptions too: more text score
        make_dataset(f"longer-{n}", title=f"{title} 區{n}", description=f"{title}\n\n{title}")
    backend.rebuild()
    assert backend.search(SearchQuery(text=title)).hits[0].dataset_id == exact.pk


@pytest.mark.parametrize("text", [
    '"', '"""', "((((", "公交)))", "[公交", "{]", "公交 AND OR NOT", "title:公交^5", "公交~2", "\\", "/公交/",
    "公交\x00\x07\x1b", "🚌🚌", "公交 🚌", "   ", "\t\n", "a" * 10_000, "公" * 10_000, "-", "--", "- -公交",
    "*", "?", "公交*", "+公交 +-", "&& ||", "!", "<script>alert(1)</script>", "'; DROP TABLE x; --",
    "\ufffd", "NEAR(公 交)", "公 NOT 交", "{!lucene}公交", "%_%", "公交\u200b",
])
def test_nasty_text_never_fails_and_agrees(backend, corpus, text):
    results = run(backend, text=text)
    assert results.total == len(results.hits)
    cleaned = " ".join(term.text for term in SearchQuery(text=text).parsed.terms)
    excluded = SearchQuery(text=text).parsed.excluded
    if not excluded:
        assert found(backend, corpus, text=text) == found(backend, corpus, text=cleaned)


@pytest.mark.parametrize("viewer_name, expected", [
    (None, {"bus-routes", "parking-lots"}),
    ("citizen", {"bus-routes", "parking-lots"}),
    ("other_publisher", {"bus-routes", "parking-lots", "eco-secret"}),
    ("publisher", {"bus-routes", "parking-lots", "signal-control"}),
    ("staff", {"bus-routes", "parking-lots", "signal-control", "eco-secret"}),
])
def test_grades_decide_hits_totals_and_facets(backend, corpus, request, viewer_name, expected):
    user = request.getfixturevalue(viewer_name) if viewer_name else None
    results = run(backend, user, text="公交")
    assert set(identifiers(backend, results, corpus)) == expected
    assert results.total == len(expected)
    grades = facet(results, "open_grade")
    assert sum(grades.values()) == len(expected)
    assert ("restricted" in grades) == bool({"signal-control", "eco-secret"} & expected)
    keyword_count = facet(results, "keyword").get("公交", 0)
    assert keyword_count == len(expected - {"parking-lots"})  # drafts and archived never counted


def test_browse_lists_published_only(backend, corpus, staff):
    assert found(backend, corpus) == ANONYMOUS_PUBLISHED
    everything = run(backend, staff)
    assert everything.total == 6  # drafts and archived are not listed, even for staff
    assert sum(count for _v, _l, count in everything.facets["organization"]) == 6


def test_facet_counts_and_labels(backend, corpus):
    results = run(backend)
    assert results.total == 4
    assert facet(results, "organization") == {"transport-bureau": 3, "eco-bureau": 1}
    assert dict((value, label) for value, label, _c in results.facets["organization"])["eco-bureau"] == "市生态环境局"
    themes = facet(results, "theme")
    assert themes["transport"] == 3 and themes["transport-public"] == 2 and themes["environment-air"] == 1
    assert facet(results, "format") == {"CSV": 4, "JSON": 1}
    assert facet(results, "open_grade") == {"open": 3, "conditional": 1}
    assert facet(results, "licence") == {"cc-by-4.0": 2, "cc0-1.0": 1, "gov-open-data": 1}
    assert results.facets["organization"][0][0] == "transport-bureau"  # most frequent first


def test_facets_are_disjunctive_within_and_conjunctive_across(backend, corpus):
    results = run(backend, organizations=["transport-bureau"])
    assert results.total == 3
    # The organization facet ignores its own selection so the other choice stays visible...
    assert facet(results, "organization") == {"transport-bureau": 3, "eco-bureau": 1}
    # ...while every other facet counts only the selection.
    assert facet(results, "theme").get("environment", 0) == 0
    assert facet(results, "open_grade") == {"open": 2, "conditional": 1}

    both = run(backend, organizations=["transport-bureau", "eco-bureau"], open_grades=["open"])
    assert {hit for hit in identifiers(backend, both, corpus)} == {"bus-routes", "metro-ridership", "air-quality"}
    assert facet(both, "open_grade") == {"open": 3, "conditional": 1}
    assert facet(both, "organization") == {"transport-bureau": 2, "eco-bureau": 1}


@pytest.mark.parametrize("params, expected", [
    ({"themes": ["transport"]}, {"bus-routes", "metro-ridership", "parking-lots"}),  # parent includes children
    ({"themes": ["transport-public", "environment-air"]}, {"bus-routes", "metro-ridership", "air-quality"}),
    ({"keywords": ["公交", "地铁"]}, {"bus-routes", "metro-ridership"}),
    ({"formats": ["json"]}, {"air-quality"}),
    ({"open_grades": ["conditional"]}, {"parking-lots"}),
    ({"open_grades": ["restricted"]}, set()),
    ({"licences": ["cc0-1.0"]}, {"metro-ridership"}),
    ({"update_frequencies": ["daily", "realtime"]}, {"metro-ridership", "air-quality"}),
    ({"region": "浦东新区"}, {"bus-routes", "air-quality"}),
    ({"published_from": "2000-01-01"}, ANONYMOUS_PUBLISHED),
    ({"published_from": "2999-01-01"}, set()),
    ({"modified_to": "2000-01-01"}, set()),
    ({"temporal_start": "2020-06-01", "temporal_end": "2020-07-01"}, {"bus-routes"}),
    ({"temporal_start": "2021-01-01"}, {"metro-ridership"}),  # open-ended coverage overlaps
    ({"temporal_end": "2021-06-01"}, {"bus-routes"}),
    ({"bbox": "121.6,31.0,122.0,31.2"}, {"metro-ridership"}),
    ({"bbox": (120.0, 30.0, 121.1, 31.05)}, {"bus-routes"}),
    ({"bbox": "0,0,1,1"}, set()),
    ({"text": "公交", "themes": ["transport-public"]}, {"bus-routes"}),
])
def test_filters(backend, corpus, params, expected):
    assert found(backend, corpus, **params) == expected


def test_orderings(backend, corpus, staff):
    by_title = identifiers(backend, run(backend, sort="title"), corpus)
    assert by_title == sorted(ANONYMOUS_PUBLISHED, key=lambda i: corpus[i].title)  # code point order
    newest = identifiers(backend, run(backend, sort="newest"), corpus)
    published = sorted(ANONYMOUS_PUBLISHED, key=lambda i: (corpus[i].published_at, corpus[i].pk), reverse=True)
    assert newest == published
    assert identifiers(backend, run(backend), corpus) == published  # no text: relevance means newest
    modified = sorted(ANONYMOUS_PUBLISHED, key=lambda i: (corpus[i].modified, corpus[i].pk), reverse=True)
    assert identifiers(backend, run(backend, sort="modified"), corpus) == modified

    resource = corpus["parking-lots"].resources.first()
    for _ in range(3):
        count_download(resource.pk)
    backend.index(corpus["parking-lots"].pk)
    assert identifiers(backend, run(backend, sort="downloads"), corpus)[0] == "parking-lots"


def test_pagination(backend, corpus):
    pages = [backend.search(SearchQuery(page=page, page_size=3, sort="title")) for page in (1, 2, 3)]
    assert [len(page.hits) for page in pages] == [3, 1, 0]
    assert {page.total for page in pages} == {4}
    seen = [pk for page in pages for pk in page.dataset_ids]
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize("params, field", [
    ({"page": 501, "page_size": 20}, "page"),
    ({"page": 0}, "page"),
    ({"page": "x"}, "page"),
    ({"page_size": 101}, "page_size"),
    ({"sort": "random"}, "sort"),
    ({"published_from": "2024-13-01"}, "published_from"),
    ({"temporal_start": "2024-02-01", "temporal_end": "2024-01-01"}, "temporal_end"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "10,0,5,1"}, "bbox"),
    ({"keywords": [f"k{i}" for i in range(51)]}, "keyword"),
    ({"quality_ranges": ["80-100", "90-10"]}, "quality"),
    ({"quality_ranges": ["good"]}, "quality"),
])
def test_invalid_queries_raise_query_error(params, field):
    with pytest.raises(QueryError) as error:
        SearchQuery(**params)
    assert error.value.field == field


def test_quality_ranges_filter_count_and_sort_by_the_metadata_score(backend, corpus):
    scores = {"bus-routes": 85, "metro-ridership": 62, "parking-lots": 35, "air-quality": None}  # not scored yet
    for identifier, score in scores.items():
        Dataset.objects.filter(pk=corpus[identifier].pk).update(metadata_score=score)
    backend.index_datasets([dataset.pk for dataset in corpus.values()])
    results = run(backend)
    assert [(value, count) for value, _label, count in results.facets["quality"]] == [
        ("80-100", 1), ("60-79", 1), ("0-39", 1)]  # best first, empty ranges left out
    assert {value: label for value, label, _c in results.facets["quality"]}["60-79"] == "60-79 分"
    assert found(backend, corpus, quality_ranges=["60-100"]) == {"bus-routes", "metro-ridership"}
    chosen = run(backend, quality_ranges=["0-39", "80-100"])
    assert set(identifiers(backend, chosen, corpus)) == {"bus-routes", "parking-lots"}
    assert facet(chosen, "quality") == {"80-100": 1, "60-79": 1, "0-39": 1}  # its own selection ignored
    assert facet(chosen, "open_grade") == {"open": 1, "conditional": 1}
    assert identifiers(backend, run(backend, sort="quality"), corpus) == [
        "bus-routes", "metro-ridership", "parking-lots", "air-quality"]


def test_deepest_allowed_page_works(backend, corpus):
    results = backend.search(SearchQuery(page=100, page_size=100))
    assert results.hits == [] and results.total == 4


def test_suggest(backend, corpus, publisher):
    anonymous = backend.suggest("公交", ANONYMOUS)
    assert [(s.kind, s.value) for s in anonymous if s.kind == "dataset"] == [("dataset", "bus-routes")]
    assert [(s.kind, s.value) for s in anonymous if s.kind == "keyword"] == [("keyword", "公交")]
    assert {s.value for s in backend.suggest("公交", Viewer(publisher)) if s.kind == "dataset"} == {"bus-routes"}
    assert [s.value for s in backend.suggest("信号", Viewer(publisher)) if s.kind == "dataset"] == ["signal-control"]
    assert backend.suggest("信号", ANONYMOUS) == []  # restricted: not even its keyword
    assert [s.value for s in backend.suggest("Bu", ANONYMOUS) if s.kind == "dataset"] == ["bus-routes"]
    assert [s.value for s in backend.suggest("pm", ANONYMOUS) if s.kind == "keyword"] == ["PM2.5"]
    assert [(s.kind, s.value) for s in backend.suggest("市交", ANONYMOUS)] == [("organization", "transport-bureau")]
    assert backend.suggest("  🚌 ", ANONYMOUS) == []


def test_related(backend, corpus, publisher):
    ids = {dataset.pk: identifier for identifier, dataset in corpus.items()}
    anonymous = [(ids[hit.dataset_id], hit.score) for hit in backend.related(corpus["bus-routes"], ANONYMOUS)]
    assert anonymous == [("metro-ridership", 2.0), ("parking-lots", 1.0)]
    member = [ids[hit.dataset_id] for hit in backend.related(corpus["bus-routes"], Viewer(publisher))]
    assert member == ["signal-control", "metro-ridership", "parking-lots"]  # shares 公交 (2) + transport (1)


def test_index_follows_changes(backend, corpus, publisher):
    dataset = corpus["metro-ridership"]
    update_dataset(user=publisher, dataset=dataset, data={"title": "轨道交通客流 Rail ridership"})
    backend.index(dataset.pk)
    assert found(backend, corpus, text="轨道") == {"metro-ridership"}
    assert found(backend, corpus, text="地铁") == {"metro-ridership"}  # still in keywords
    assert found(backend, corpus, text="地铁客流") == set()  # a phrase never spans two keywords
    archive_dataset(user=publisher, dataset=dataset)
    backend.index(dataset.pk)
    assert found(backend, corpus, text="轨道") == set()
    deleted = corpus["bus-routes"].pk
    delete_dataset(user=publisher, dataset=corpus["bus-routes"])
    backend.remove(deleted)
    assert found(backend, corpus) == {"parking-lots", "air-quality"}


def test_highlights_are_escaped_marks(backend, corpus, publisher):
    update_dataset(user=publisher, dataset=corpus["bus-routes"],
                   data={"description": "<b>全市</b>公交线路与站点"})
    backend.index(corpus["bus-routes"].pk)
    hit = next(hit for hit in run(backend, text="公交").hits if hit.dataset_id == corpus["bus-routes"].pk)
    assert "<mark>" in hit.highlights["title"]
    assert "&lt;b&gt;" in hit.highlights["description"] and "<b>" not in hit.highlights["description"]


def test_ping(backend):
    assert backend.name in backend.ping()


def test_hits_carry_the_summary_a_result_shows(backend, corpus):
    hit = run(backend, text="空气质量").hits[0]
    assert hit.dataset_id == corpus["air-quality"].pk
    summary = hit.summary
    assert (summary["identifier"], summary["title"], summary["open_grade"]) == (
        "air-quality", "空气质量 Air quality", "open")
    assert summary["organization"]["slug"] == "eco-bureau" and summary["organization"]["name_en"] == "Municipal Ecology Bureau"
    # Only the dataset's own themes (the parent is searchable, not shown).
    assert [theme["code"] for theme in summary["themes"]] == ["environment-air"]
    assert summary["formats"] == ["CSV", "JSON"]
    assert summary["licence"]["code"] == "cc-by-4.0" and summary["licence"]["title_en"]


def test_the_database_backend_matches_with_its_own_database_engine(settings, make_dataset):
    """Text is matched by PostgreSQL's tsvector or SQLite's FTS5 table: emptied, no text matches, browsing still lists."""
    settings.SEARCH_BACKEND = "database"
    engine = get_search_backend()
    engine.reset()
    dataset = make_dataset("noise-map", title="噪声地图 Noise map")
    engine.rebuild()
    assert engine.ping() == f"database ({connection.vendor})"
    assert engine.search(SearchQuery(text="噪声")).dataset_ids == [dataset.pk]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "USING fts5" in cursor.fetchone()[0]
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        else:
            cursor.execute("UPDATE search_searchentry SET search_vector = NULL")
    assert engine.search(SearchQuery(text="噪声")).total == 0
    assert engine.search(SearchQuery()).dataset_ids == [dataset.pk]


# --- bilingual metadata: the English fields are searched like the Chinese ones ---

def test_english_only_words_find_the_dataset(backend, make_dataset, publisher):
    dataset = make_dataset("harbour-stats", title="港口吞吐量", title_en="Harbour throughput",
                           description="港口货物吞吐量。", description_en="Cargo handled by each quayside terminal.",
                           keywords=["港口"], keywords_en=["containers"])
    make_dataset("unrelated", title="公交线路")
    backend.rebuild()
    for word in ("throughput", "quayside", "containers", "港口"):
        assert backend.search(SearchQuery(text=word)).dataset_ids == [dataset.pk], word
    hit = backend.search(SearchQuery(text="throughput")).hits[0]
    assert hit.summary["title_en"] == "Harbour throughput"
    update_dataset(user=publisher, dataset=dataset, data={"title_en": ""})
    backend.index(dataset.pk)
    assert backend.search(SearchQuery(text="throughput")).total == 0


def test_restricted_datasets_stay_hidden_whatever_the_language(backend, make_dataset, publisher, citizen):
    hidden = make_dataset("quay-secret", open_grade="restricted", title="码头内部台账", title_en="Quayside ledger")
    backend.rebuild()
    for user in (None, citizen):
        results = run(backend, user, text="ledger")
        assert results.dataset_ids == [] and results.total == 0
        assert sum(count for _v, _l, count in results.facets["open_grade"]) == 0
    assert run(backend, publisher, text="ledger").dataset_ids == [hidden.pk]


def found_ids(results, corpus):
    by_pk = {dataset.pk: identifier for identifier, dataset in corpus.items()}
    return {by_pk[pk] for pk in results.dataset_ids}


def test_english_typos_are_tolerated_on_every_backend(backend, corpus):
    assert found_ids(backend.search(SearchQuery(text="Metor ridreship")), corpus) == {"metro-ridership"}
    assert found_ids(backend.search(SearchQuery(text="routez")), corpus) == {"bus-routes"}
    # Words with digits (codes, years) are not fuzzed.
    assert backend.search(SearchQuery(text="rout3s")).total == 0


def test_highlights_cover_matches_from_any_field(backend, corpus):
    hit = backend.search(SearchQuery(text="bus 公交")).hits[0]
    assert hit.highlights["title"] == "<mark>公</mark><mark>交</mark>线路 <mark>Bus</mark> routes"
    assert "<mark>公</mark><mark>交</mark>" in hit.highlights["description"]
