"""The catalog the exchange-format tests publish (no tests here): every field filled, every grade and state.

Made through the services, like the conftest fixtures. HOST is the site the formats are asked on: a
name with a top-level domain, since re-importing data.json validates its URLs as any catalog's.
"""
import json
import re

from api_support import upload

from datasets.models import Dataset
from datasets.services.resources import add_file_resource, add_url_resource

HOST = "data.example.gov"
ROOT = f"http://{HOST}"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(response):
    """The JSON-LD documents of a page."""
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


def make_catalog(make_dataset, publisher, other_publisher, eco_bureau):
    """{key: dataset}: open, conditional, English-only and GeoJSON datasets (public); restricted, draft (not)."""
    full = make_dataset(
        "road-counts", title="道路流量", title_en="Road counts", description="主要道路的**车流量**。",
        description_en="Traffic on main roads.", keywords=["交通", "流量"], keywords_en=["traffic"],
        licence="cc-by-4.0", themes=["transport-road", "environment-air"], update_frequency="monthly",
        temporal_start="2020-01-01", temporal_end="2024-12-31", spatial_region="市区",
        spatial_bbox=[121.1, 30.7, 122.05, 31.5], contact_name="数据科", contact_email="data@example.org")
    add_url_resource(user=publisher, dataset=full, data={
        "name": "在线接口", "description": "接口文档", "url": "https://example.org/api/road"}, claimed_format="HTML")
    add_url_resource(user=publisher, dataset=full, data={
        "name": "年度汇总", "url": "https://example.org/road-2024.json"}, claimed_format="JSON")
    conditional = make_dataset(
        "taxi-trips", open_grade="conditional", title="出租车行程", description="逐笔行程。",
        keywords=["出租车"], licence="conditional-terms", themes=["transport"], update_frequency="daily",
        temporal_start="2023-01-01", temporal_end="2023-12-31", contact_name="运营处")
    add_file_resource(user=publisher, dataset=conditional, uploaded=upload(
        "taxi-2023.json", b'[{"trip": 1}]', "application/json"), data={"name": "行程明细", "description": "JSON"})
    english = make_dataset(
        "harbour-throughput", with_file=False, title="Harbour throughput", title_en="Harbour throughput",
        description="Monthly tonnage.", description_en="Monthly tonnage.", keywords=["ports", "freight"],
        keywords_en=["ports", "freight"], licence="cc0-1.0", themes=["economy-statistics"],
        update_frequency="annual", spatial_region="Harbour district", contact_email="port@example.org")
    add_url_resource(user=publisher, dataset=english, data={
        "name": "Tonnage table", "name_en": "Tonnage table", "url": "https://example.org/tonnage.csv"},
        claimed_format="CSV")
    stations = make_dataset(
        "air-stations", user=other_publisher, organization=eco_bureau, title="空气监测站点",
        licence="odc-by-1.0", themes=["environment-air"], update_frequency="realtime",
        spatial_geojson={"type": "Point", "coordinates": [121.5, 31.2]})
    made = {
        "full": full, "conditional": conditional, "english": english, "stations": stations,
        "restricted": make_dataset("signal-control", open_grade="restricted", title="信号控制 zqsecret"),
        "draft": make_dataset("draft-counts", state=Dataset.State.DRAFT, title="草稿 zqsecret"),
        "foreign_restricted": make_dataset("eco-secret", open_grade="restricted", user=other_publisher,
                                           organization=eco_bureau, title="污染源 zqsecret"),
    }
    for dataset in made.values():
        dataset.refresh_from_db()  # adding resources touched `modified`
    return made


PUBLIC = ("full", "conditional", "english", "stations")
HIDDEN = ("restricted", "draft", "foreign_restricted")
