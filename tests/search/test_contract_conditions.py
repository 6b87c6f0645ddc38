"""The search contract for machine clients: condition trees, offset windows and walk orders.

Run against every backend like test_contract.py (the `backend` fixture); the CKAN Action API's
`fq`, `start`, `rows` and `sort=id asc` reach the engines as these (exchange.ckan).
"""
import datetime

import pytest
from django.utils import timezone

from datasets.grading import Viewer
from datasets.models import Dataset
from search.backends import QueryError, SearchQuery
from search.conditions import EVERYTHING, NOTHING, AllOf, AnyOf, FacetIs, ModifiedWithin, Not

pytestmark = pytest.mark.django_db

PUBLIC = {"bus-routes", "metro-ridership", "parking-lots", "air-quality"}


def found(backend, corpus, **params):
    by_id = {dataset.pk: identifier for identifier, dataset in corpus.items()}
    results = backend.search(SearchQuery(viewer=Viewer(None), page_size=100, **params))
    return [by_id[pk] for pk in results.dataset_ids], results


@pytest.mark.parametrize("condition, expected", [
    (FacetIs("organization", ("eco-bureau",)), {"air-quality"}),
    (Not(FacetIs("organization", ("eco-bureau",))), {"bus-routes", "metro-ridership", "parking-lots"}),
    (AnyOf((FacetIs("keyword", ("停车",)), FacetIs("format", ("JSON",)))), {"parking-lots", "air-quality"}),
    (AllOf((FacetIs("theme", ("transport",)), Not(FacetIs("keyword", ("地铁",))))), {"bus-routes", "parking-lots"}),
    (FacetIs("licence", ("cc0-1.0", "gov-open-data")), {"metro-ridership", "parking-lots"}),
    (EVERYTHING, PUBLIC),
    (NOTHING, set()),
    (Not(NOTHING), PUBLIC),
])
def test_conditions_filter_like_the_facets(backend, corpus, condition, expected):
    hits, results = found(backend, corpus, condition=condition)
    assert set(hits) == expected and results.total == len(expected)


def test_a_condition_narrows_every_facet_count(backend, corpus):
    _hits, results = found(backend, corpus, condition=Not(FacetIs("organization", ("eco-bureau",))))
    assert {value for value, _label, _count in results.facets["organization"]} == {"transport-bureau"}


def test_hidden_datasets_stay_hidden_under_any_condition(backend, corpus):
    # The restricted "eco-secret" and the draft carry the keyword 公交 too.
    hits, results = found(backend, corpus, condition=Not(FacetIs("keyword", ("nothing-has-this",))))
    assert set(hits) == PUBLIC and results.total == 4


def test_modified_within_a_time_range(backend, corpus):
    now = timezone.now()
    Dataset.objects.filter(identifier="air-quality").update(modified=now - datetime.timedelta(days=30))
    Dataset.objects.filter(identifier="bus-routes").update(modified=now - datetime.timedelta(days=2))
    backend.rebuild()
    recent, _ = found(backend, corpus, condition=ModifiedWithin(start=now - datetime.timedelta(days=3)))
    assert "air-quality" not in recent and "bus-routes" in recent
    old, _ = found(backend, corpus, condition=ModifiedWithin(end=now - datetime.timedelta(days=29)))
    assert old == ["air-quality"]


def test_a_walk_in_id_order_with_offsets_sees_each_dataset_once(backend, corpus):
    seen = []
    for start in range(0, 6, 2):
        hits, results = found(backend, corpus, sort="id", start=start, rows=2)
        assert results.total == 4
        seen += hits
    assert seen == sorted(PUBLIC, key=lambda identifier: corpus[identifier].pk)


def test_rows_zero_counts_without_hits(backend, corpus):
    hits, results = found(backend, corpus, start=0, rows=0)
    assert hits == [] and results.total == 4 and results.facets["organization"]


def test_oldest_modified_first(backend, corpus):
    hits, _ = found(backend, corpus, sort="modified_asc")
    modified = [corpus[identifier].modified for identifier in hits]
    assert modified == sorted(modified)


@pytest.mark.parametrize("params, field", [
    ({"start": -1, "rows": 10}, "start"),
    ({"start": "abc", "rows": 10}, "start"),
    ({"start": 0, "rows": 1001}, "rows"),
    ({"start": 10**9, "rows": 10}, "start"),
    ({"start": 999_990, "rows": 100}, "start"),
])
def test_bad_windows_are_refused(params, field):
    with pytest.raises(QueryError) as error:
        SearchQuery(**params)
    assert error.value.field == field


def test_a_deep_window_past_ten_thousand_is_answered(backend, corpus):
    hits, results = found(backend, corpus, sort="id", start=20_000, rows=100)
    assert hits == [] and results.total == 4


def test_only_the_facets_asked_for_are_counted(backend, corpus):
    _hits, results = found(backend, corpus, counted_facets=("organization",))
    assert results.total == 4 and results.facets["organization"]
    assert all(not results.facets[facet] for facet in results.facets if facet != "organization")
    _hits, none = found(backend, corpus, counted_facets=())
    assert none.total == 4 and not any(none.facets.values())
