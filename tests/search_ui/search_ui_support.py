"""Fixtures of the search UI tests: a backend switched by settings and a small catalog built through the services.

Not a conftest.py (tests/search has one); test modules import these fixtures by name.
"""
import os

import pytest

from datasets.models import Dataset
from search.backends import get_search_backend

# Derived from the run's own prefix so parallel runs never share indices.
INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "portal-test") + "-ui"


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    """Each test runs once per backend, on its own index names, starting empty."""
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_PREFIX = INDEX_PREFIX
    backend = get_search_backend()
    backend.reset()
    return backend


@pytest.fixture
def es_engine(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_INDEX_PREFIX = INDEX_PREFIX
    backend = get_search_backend()
    backend.reset()
    return backend


def build_catalog(make_dataset, other_publisher, eco_bureau, capture):
    """Datasets of every grade in two organizations, indexed by the real signal -> task -> backend path."""
    def eco(identifier, **fields):
        return make_dataset(identifier, user=other_publisher, organization=eco_bureau, **fields)

    with capture(execute=True):
        made = [
            make_dataset("bus-routes", title="公交线路 Bus routes", description="全市公交线路与站点 timetable",
                         keywords=["公交", "线路"], themes=["transport-public"], update_frequency="monthly",
                         spatial_region="浦东新区", spatial_bbox=[121.0, 31.0, 121.5, 31.5]),
            make_dataset("metro-ridership", title="地铁客流 Metro ridership", description="每日进出站客流",
                         keywords=["地铁", "客流"], themes=["transport-public"], update_frequency="daily",
                         licence="cc0-1.0"),
            make_dataset("parking-lots", open_grade="conditional", title="停车场 Parking lots",
                         description="靠近地铁站的停车场泊位", keywords=["停车"], themes=["transport-parking"],
                         licence="gov-open-data"),
            make_dataset("signal-control", open_grade="restricted", title="公交信号控制 Signal control",
                         keywords=["公交", "信号"]),
            make_dataset("draft-buses", state=Dataset.State.DRAFT, title="公交草稿 Draft buses", keywords=["公交"]),
            eco("eco-secret", open_grade="restricted", title="污染源 Pollution sources", keywords=["公交"],
                themes=["environment"]),
            eco("air-quality", title="空气质量 Air quality", description="各站点 PM2.5 小时浓度",
                keywords=["PM2.5", "空气"], themes=["environment-air"], update_frequency="realtime"),
        ]
    return {dataset.identifier: dataset for dataset in made}


@pytest.fixture
def catalog(engine, make_dataset, other_publisher, eco_bureau, django_capture_on_commit_callbacks):
    return build_catalog(make_dataset, other_publisher, eco_bureau, django_capture_on_commit_callbacks)


@pytest.fixture
def es_catalog(es_engine, make_dataset, other_publisher, eco_bureau, django_capture_on_commit_callbacks):
    return build_catalog(make_dataset, other_publisher, eco_bureau, django_capture_on_commit_callbacks)


def identifiers(body):
    return [item["identifier"] for item in body["results"]]


def facet(body, name):
    """{value: (count, selected)} of one facet of an API answer."""
    return {row["value"]: (row["count"], row["selected"]) for row in body["facets"][name]}
