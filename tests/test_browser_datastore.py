"""The data page in a real Chromium: table (sort, filter, pages), chart and map, fed by the data API."""
import json
import re

import pytest
from playwright.sync_api import expect

from api_support import upload
from datasets.services.resources import add_file_resource
from datastore_support import geojson_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DISTRICTS = ["黄浦", "徐汇", "浦东", "闵行"]


def stations_csv(count=45):
    lines = ["站名,区,客流,经度,纬度"]
    for i in range(count):
        lines.append(f"站{i:02d},{DISTRICTS[i % 4]},{1000 + i * 10},{121.3 + i * 0.005:.4f},{31.1 + i * 0.003:.4f}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.policy_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.policy_violations.append(message.text))
    yield page
    context.close()


def test_table_chart_and_map_of_a_csv(page, live_server, make_dataset, publisher):
    dataset = make_dataset("metro-stations", with_file=False)
    # Committed for real here (transactional test): the signal loads the table, eagerly.
    resource = add_file_resource(user=publisher, dataset=dataset, uploaded=upload("stations.csv", stations_csv()))

    page.goto(f"{live_server.url}/datasets/metro-stations/")
    page.get_by_role("link", name="数据预览").click()
    page.wait_for_url(f"**/resources/{resource.pk}/data/")
    table = page.locator("[data-role='table'] tbody")
    expect(table.locator("tr")).to_have_count(20)
    # A visitor sees the data, not the load job's status; page one's "previous" is a disabled button.
    expect(page.locator("[data-datastore-status]")).to_have_count(0)
    expect(page.get_by_role("button", name="上一页")).to_be_disabled()
    expect(table.locator("tr").first.locator("td").first).to_have_text("站00")
    expect(page.locator("[data-role='page-info']")).to_contain_text("共 3 页")

    # Sort by 客流, descending on the second click.
    header = page.get_by_role("button", name="客流", exact=True)
    header.click()
    header.click()
    expect(table.locator("tr").first.locator("td").first).to_have_text("站44")
    expect(page.locator("th[aria-sort='descending']")).to_have_count(1)

    # Next page, then a filter.
    page.get_by_role("button", name="下一页").click()
    expect(table.locator("tr").first.locator("td").first).to_have_text("站24")
    page.get_by_label("筛选列").select_option("区")
    page.get_by_label("条件").select_option("eq")
    page.get_by_label("取值").fill("闵行")
    page.get_by_role("button", name="应用").click()
    expect(table.locator("tr")).to_have_count(11)
    expect(page.locator("[data-role='page-info']")).to_contain_text("11")

    # A wrong value is refused by the API, and the page says so.
    page.get_by_label("筛选列").select_option("客流")
    page.get_by_label("取值").fill("很多")
    page.get_by_role("button", name="应用").click()
    expect(page.locator("[data-role='table-error']")).to_contain_text("filter[客流][eq]")

    # Charts: the passengers of the 30 busiest stations are drawn at once (never a count of codes or
    # coordinates); then per district, then a pie of the sums.
    chart = page.locator("[data-role='chart']")
    expect(chart).to_have_attribute("data-points", "30")  # the 30 largest groups
    expect(chart).to_have_attribute("data-metric", "sum:客流")
    page.get_by_label("分类列").select_option("区")
    page.get_by_role("button", name="绘制").click()
    expect(chart).to_have_attribute("data-points", "4")
    expect(chart.locator("canvas")).to_have_count(1)
    page.get_by_label("图表类型").select_option("pie")
    page.get_by_label("数值").select_option("sum:客流")
    page.get_by_role("button", name="绘制").click()
    expect(chart).to_have_attribute("data-kind", "pie")

    # The map shows one marker per row.
    expect(page.locator("[data-role='map']")).to_have_attribute("data-features", "45")
    expect(page.locator("[data-role='map']")).to_have_attribute("data-boundaries", re.compile(r"^[1-9][0-9]+$"))
    assert page.locator(".leaflet-interactive").count() or page.locator(".leaflet-overlay-pane canvas").count()

    # Exports are plain links to the streamed downloads.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 CSV").click()
    assert download_info.value.suggested_filename == f"resource-{resource.pk}-v1.csv"
    assert page.policy_violations == []


def test_map_of_a_geojson_resource(page, live_server, make_dataset, publisher):
    dataset = make_dataset("parks", with_file=False)
    resource = add_file_resource(
        user=publisher, dataset=dataset, uploaded=upload("parks.geojson", geojson_bytes(), "application/geo+json"))

    page.goto(f"{live_server.url}/resources/{resource.pk}/data/")
    expect(page.locator("[data-role='map']")).to_have_attribute("data-features", "2")
    expect(page.locator("[data-role='table'] tbody tr")).to_have_count(2)
    # Geometries are summed up with a link to the map, not dumped as JSON.
    cells = page.locator("[data-role='table'] tbody td a[href='#datastore-map']")
    expect(cells).to_have_text(["Point（1 个点）", "Polygon（4 个点）"])
    expect(page.locator("[data-role='table'] tbody")).not_to_contain_text("coordinates")
    assert page.policy_violations == []


def test_category_labels_in_natural_order_with_translated_axes(page, live_server, make_dataset, publisher):
    dataset = make_dataset("noise-levels", with_file=False)
    levels = "等级,测点数\n第10级,5\n第2级,7\n第3级,1\n第1级,2\n"
    resource = add_file_resource(user=publisher, dataset=dataset, uploaded=upload("levels.csv", levels.encode()))

    page.goto(f"{live_server.url}/en/resources/{resource.pk}/data/")
    chart = page.locator("[data-role='chart']")
    expect(chart).to_have_attribute("data-metric", "sum:测点数")
    assert json.loads(chart.get_attribute("data-labels")) == ["第1级", "第2级", "第3级", "第10级"]
    expect(page.locator("[data-role='chart-y']")).to_contain_text("测点数 (Total)")
    assert page.policy_violations == []
