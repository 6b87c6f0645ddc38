"""The data page's preview: the default chart chosen from the schema, who sees the load status, the map's CSP."""
import json
import re

import pytest
from django.test import Client, override_settings

from datastore.charts import default_chart
from datastore_support import add_table

pytestmark = pytest.mark.django_db

PAGE = "/resources/{}/data/"


def columns(**kinds):
    return [{"name": name, "type": kind} for name, kind in kinds.items()]


@pytest.mark.parametrize("table, schema, expected", [
    # A quantity over time is a line, in time order.
    (columns(日期="date", 区="string", 客流="integer"), None,
     {"kind": "line", "x": "日期", "metric": "sum:客流", "over_time": True}),
    # A year column is time, never the quantity.
    (columns(年份="integer", 地区="string", 产值="number"), None,
     {"kind": "line", "x": "年份", "metric": "sum:产值", "over_time": True}),
    # Codes, identifiers and coordinates are never the measure; a rate is averaged.
    (columns(station_id="integer", 区划代码="integer", 区="string", 经度="number", 纬度="number", 满意率="number"),
     None, {"kind": "bar", "x": "区", "metric": "avg:满意率", "over_time": False}),
    (columns(stationId="integer", name="string", visitors="integer"), None,
     {"kind": "bar", "x": "name", "metric": "sum:visitors", "over_time": False}),
    # The declared primary key is an identifier too.
    (columns(序="integer", 名称="string"), {"fields": [], "primaryKey": "序"},
     {"kind": "bar", "x": "名称", "metric": "count", "over_time": False}),
    # Only identifiers: nothing worth drawing.
    (columns(编号="string", 邮编="integer"), None, None),
    (columns(geometry="geometry"), None, None),
])
def test_the_default_chart_is_a_measure_over_time_or_a_category(table, schema, expected):
    chart = default_chart(table, schema)
    assert (chart and chart.as_dict()) == expected


def page_preview(response):
    match = re.search(rb'<script id="datastore-preview" type="application/json">(.*?)</script>', response.content)
    return json.loads(match.group(1))


@pytest.fixture
def stations(django_capture_on_commit_callbacks, publisher, make_dataset):
    dataset = make_dataset("metro-stations", with_file=False)
    schema = {"fields": [{"name": "客流", "type": "integer", "title": "日客流量"},
                         {"name": "区", "type": "string", "title": "所在区"}]}
    return add_table(django_capture_on_commit_callbacks, publisher, dataset, data={"table_schema": schema})


def test_the_page_carries_the_default_chart_and_column_titles(client, stations):
    response = client.get(PAGE.format(stations.pk))
    preview = page_preview(response)
    # 客流 is the first quantity (经度/纬度 are the map's coordinates), over the opening date.
    assert preview["chart"] == {"kind": "line", "x": "开通日期", "metric": "sum:客流", "over_time": True}
    assert preview["titles"] == {"客流": "日客流量", "区": "所在区"}


@pytest.mark.parametrize("prefix, words", [("", ["合计", "平均", "个点", "在地图上查看"]),
                                          ("/en", ["Total", "Average", "points)", "Show on the map"])])
def test_chart_and_geometry_words_are_translated(client, stations, prefix, words):
    body = client.get(prefix + PAGE.format(stations.pk)).content.decode()
    for word in words:
        assert word in body


def test_the_load_status_is_for_publishers_and_staff_only(client, stations, citizen, other_publisher, publisher,
                                                          staff):
    url = PAGE.format(stations.pk)
    for visitor in (None, citizen, other_publisher):
        visitor_client = Client()
        if visitor:
            visitor_client.force_login(visitor)
        body = visitor_client.get(url).content
        assert b"data-datastore-status" not in body and b'id="datastore"' in body
    for insider in (publisher, staff):
        client.force_login(insider)
        assert b"data-datastore-status" in client.get(url).content


def test_visitors_get_a_notice_while_the_table_is_not_loaded(client, make_dataset):
    dataset = make_dataset("not-loaded-yet")  # its file's load was never run (no on-commit capture)
    resource = dataset.resources.get()
    body = client.get(PAGE.format(resource.pk)).content.decode()
    assert "data-datastore-status" not in body and 'id="datastore"' not in body
    assert "暂时还没有数据预览" in body


def test_the_pager_starts_disabled(client, stations):
    body = client.get(PAGE.format(stations.pk)).content.decode()
    assert re.search(r'data-role="prev" disabled', body) and re.search(r'data-role="next" disabled', body)


def test_the_map_has_offline_outlines_and_tiles_only_when_set(client, stations):
    response = client.get(PAGE.format(stations.pk))
    assert b"vendor/world-atlas/countries-50m.json" in response.content
    assert b'data-tile-url=""' in response.content
    assert "tile" not in response["Content-Security-Policy"]
    tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    with override_settings(MAP_TILE_URL=tiles, MAP_TILE_ATTRIBUTION="© Example"):
        response = Client().get(PAGE.format(stations.pk))
    assert f'data-tile-url="{tiles}"'.encode() in response.content
    # The tiles replace the vendored outlines (whose borders are not an approved map in China).
    assert b'data-boundaries-url=""' in response.content
    img_src = next(d for d in response["Content-Security-Policy"].split("; ") if d.startswith("img-src"))
    assert img_src.endswith("https://*.tile.example.org")


def test_an_unusable_tile_url_is_left_out_and_not_allowed(client, stations):
    with override_settings(MAP_TILE_URL="javascript:alert(1)//{z}"):
        response = Client().get(PAGE.format(stations.pk))
    assert b"javascript:" not in response.content
    assert "javascript" not in response["Content-Security-Policy"]


def test_grades_still_hold_on_the_preview(client, graded_datasets, django_capture_on_commit_callbacks, publisher):
    tables = {grade: add_table(django_capture_on_commit_callbacks, publisher, dataset)
              for grade, dataset in graded_datasets.items()}
    assert client.get(PAGE.format(tables["restricted"].pk)).status_code == 404
    locked = client.get(PAGE.format(tables["conditional"].pk))
    assert locked.status_code == 200 and b"datastore-preview" not in locked.content
