"""The search contract for text as people write it: the same answers on every backend.

Simplified queries on Traditional records and back (臺/台, 裡/裏/里), compatibility ideographs,
full-width Latin, English inflections and stop words, one-typo titles, synonyms, highlights that
keep the original characters. Runs on the database backend and Elasticsearch here, and on SQLite
in test_sqlite_contract.py.
"""
import pytest

from search.backends import SearchQuery
from search.synonyms import save_synonym_group

pytestmark = pytest.mark.django_db

TITLES = {
    "taipei-bus": "臺北市公車路線",
    "taipei-parks": "臺北市公園裡的步道",
    "shanghai-bus": "上海市公交线路",
    "guishan": "\uf907山區人口統計",  # U+F907, a compatibility form of 龜
    "pm25": "ＰＭ２．５ 監測站",
    "provinces": "Provinces of Canada",
    "province-list": "Province list",
    "garages": "Parking Garages Downtown",
    "garden": "Community Gardens Inventory",
    "insurance": "医疗保险参保人数",
}


@pytest.fixture
def titled(backend, make_dataset):
    """One dataset per title above, indexed by a rebuild; {identifier: dataset}."""
    made = {identifier: make_dataset(identifier, title=title, with_file=False) for identifier, title in TITLES.items()}
    backend.rebuild()
    return made


def ranked(backend, titled, text):
    by_pk = {dataset.pk: identifier for identifier, dataset in titled.items()}
    results = backend.search(SearchQuery(text=text, page_size=50))
    return [by_pk.get(pk) for pk in results.dataset_ids]


@pytest.mark.parametrize("text, first", [
    ("台北市公车路线", "taipei-bus"),         # Simplified query, Traditional record
    ("臺北市公車路線", "taipei-bus"),         # as written
    ("上海市公交線路", "shanghai-bus"),       # Traditional query, Simplified record
    ("台北市公园里的步道", "taipei-parks"),    # 裡 -> 里
    ("臺北市公園裏的步道", "taipei-parks"),    # 裏 -> 里
    ("\uf907山區人口統計", "guishan"),        # the exact title with its compatibility ideograph
    ("龟山区人口统计", "guishan"),
    ("龜山", "guishan"),
    ("PM2.5 监测站", "pm25"),                # full-width Latin and digits in the record
    ("ＰＭ２．５", "pm25"),                  # and in the query
    ("provinces of canada", "provinces"),
    ("province of canada", "provinces"),     # singular finds the plural
    ("Parking Garage Downtown", "garages"),
    ("community garden inventories", "garden"),
])
def test_written_forms_find_the_record_first(backend, titled, text, first):
    assert ranked(backend, titled, text)[0] == first


def test_both_variants_of_tai_find_the_same_records(backend, titled):
    assert set(ranked(backend, titled, "台北市")) == set(ranked(backend, titled, "臺北市")) == {
        "taipei-bus", "taipei-parks"}


def test_the_word_as_typed_ranks_above_its_inflections(backend, titled):
    assert ranked(backend, titled, "province")[:2] == ["province-list", "provinces"]
    assert ranked(backend, titled, "provinces")[:2] == ["provinces", "province-list"]


def test_stop_words_are_not_required_unless_alone(backend, titled):
    assert set(ranked(backend, titled, "the provinces")) == set(ranked(backend, titled, "provinces"))
    assert ranked(backend, titled, "the of") == []


@pytest.mark.parametrize("text, identifier, corrected", [
    ("Parking Garagse Downtown", "garages", "Parking garages Downtown"),   # a transposition
    ("Comunity Gardens", "garden", "community Gardens"),                   # a letter missing
    ("provinzes of canada", "provinces", "provinces of canada"),           # a letter changed
])
def test_one_typo_still_finds_the_title_and_says_what_was_meant(backend, titled, text, identifier, corrected):
    results = backend.search(SearchQuery(text=text, page_size=3))
    assert titled[identifier].pk in results.dataset_ids
    assert results.did_you_mean == corrected


def test_no_correction_is_offered_when_the_words_are_found(backend, titled):
    results = backend.search(SearchQuery(text="Parking Garages"))
    assert results.did_you_mean == ""


def test_a_synonym_finds_what_its_group_names(backend, titled, staff):
    assert ranked(backend, titled, "医保") == []
    save_synonym_group(user=staff, data={"terms": "医保, 医疗保险"})
    assert ranked(backend, titled, "医保") == ["insurance"]
    assert ranked(backend, titled, "醫保") == ["insurance"]  # the group is normalized too


def test_highlights_mark_the_characters_as_written(backend, titled):
    results = backend.search(SearchQuery(text="台北市 公车"))
    marks = {hit.dataset_id: hit.highlights.get("title", "") for hit in results.hits}
    assert marks[titled["taipei-bus"].pk] == "<mark>臺</mark><mark>北</mark><mark>市</mark><mark>公</mark><mark>車</mark>路線"
    stemmed = backend.search(SearchQuery(text="province"))
    marks = {hit.dataset_id: hit.highlights.get("title", "") for hit in stemmed.hits}
    assert marks[titled["provinces"].pk] == "<mark>Provinces</mark> of Canada"
