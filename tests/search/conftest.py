"""Search fixtures: a small catalog covering every grade, two organizations and the text features."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from datasets.models import Dataset
from datasets.services.lifecycle import publish_dataset
from datasets.services.resources import add_file_resource, add_url_resource
from search.backends import get_search_backend

BACKENDS = ["database", "elasticsearch"]


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    """The configured search backend, emptied; the contract suite runs once per backend."""
    settings.SEARCH_BACKEND = request.param
    engine = get_search_backend()
    engine.reset()
    return engine


@pytest.fixture
def es_backend(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_search_backend()
    engine.reset()
    return engine


@pytest.fixture
def corpus(make_dataset, publisher, other_publisher, eco_bureau):
    """Datasets by identifier; transport bureau (publisher) and eco bureau (other_publisher)."""
    def eco(identifier, **fields):
        return make_dataset(identifier, user=other_publisher, organization=eco_bureau, **fields)

    made = [
        make_dataset(
            "bus-routes", title="公交线路 Bus routes", description="全市公交线路与站点 timetable",
            keywords=["公交", "线路"], themes=["transport-public"], update_frequency="monthly",
            temporal_start="2020-01-01", temporal_end="2020-12-31", spatial_bbox=[121.0, 31.0, 121.5, 31.5],
            spatial_region="浦东新区",
        ),
        make_dataset(
            "metro-ridership", title="地铁客流 Metro ridership", description="每日进出站客流",
            keywords=["地铁", "客流"], themes=["transport-public"], update_frequency="daily",
            temporal_start="2022-01-01", spatial_bbox=[121.2, 31.1, 121.8, 31.4], licence="cc0-1.0",
        ),
        make_dataset(
            "parking-lots", open_grade="conditional", title="停车场 Parking lots",
            description="靠近公交站点的停车场泊位", keywords=["停车"], themes=["transport-parking"],
            licence="gov-open-data",
        ),
        make_dataset("signal-control", open_grade="restricted", title="信号控制 Signal control",
                     keywords=["公交", "信号"]),
        make_dataset("draft-counts", state=Dataset.State.DRAFT, title="公交草稿 Draft counts", keywords=["公交"]),
        make_dataset("old-routes", state=Dataset.State.ARCHIVED, title="公交旧线路 Old routes", keywords=["公交"]),
        eco("eco-secret", open_grade="restricted", title="污染源 Pollution sources", keywords=["公交"],
            themes=["environment"]),
    ]
    air = eco("air-quality", state=Dataset.State.DRAFT, with_file=False, title="空气质量 Air quality",
              description="各站点 PM2.5 小时浓度", keywords=["PM2.5", "空气"], themes=["environment-air"],
              update_frequency="realtime", spatial_region="浦东新区")
    add_file_resource(
        user=other_publisher, dataset=air, uploaded=SimpleUploadedFile("air.csv", b"station_code,pm25\nA01,35\n", content_type="text/csv"),
        data={"name": "小时浓度", "table_schema": {"fields": [{"name": "station_code", "title": "监测站"}]}},
    )
    add_url_resource(user=other_publisher, dataset=air, data={"url": "https://example.org/air.json"},
                     claimed_format="json")
    publish_dataset(user=other_publisher, dataset=air)
    made.append(air)
    call_command("rebuild_search_index", "--no-progress")
    return {dataset.identifier: Dataset.objects.get(pk=dataset.pk) for dataset in made}
