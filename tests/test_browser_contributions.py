"""In a real Chromium: submit -> validate -> request changes -> resubmit -> approve -> merged, in the catalog and search."""
import pytest
from browser_support import log_in
from contributions_support import ROWS, csv_bytes
from playwright.sync_api import expect

from contributions.models import Contribution, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]



def _file(name, rows):
    return {"name": name, "mimeType": "text/csv", "buffer": csv_bytes(rows)}


def test_the_whole_contribution_loop_in_a_browser(browser, live_server, enterprise_a, enterprise_admin, reviewer,
                                                  transport_bureau):
    # The enterprise submits a new dataset whose file has a bad date: validation sends it back.
    context, page = log_in(browser, live_server, "ent_admin", "/contributions/new/")
    page.get_by_label("贡献类型").select_option("new_dataset")
    page.get_by_label("目标政府部门").select_option(transport_bureau.slug)
    page.get_by_label("标识符", exact=True).fill("ent-bike-counts")
    page.get_by_label("标题", exact=True).fill("共享单车骑行量")
    page.get_by_label("数据文件").set_input_files(_file("counts.csv", ROWS + [["A99", "not-a-date", "1"]]))
    page.get_by_role("button", name="保存").click()  # sent with a progress bar: wait for the page it leads to
    expect(page.locator("#validation-result")).to_have_text("未通过")
    assert "type-error" in page.locator("#report-errors").inner_text()

    # It uploads a corrected file and resubmits.
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("数据文件").set_input_files(_file("counts.csv", ROWS))
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="重新提交").click()
    expect(page.locator("#validation-result")).to_have_text("通过")
    context.close()

    # The reviewer finds it in the queue and asks for a better title.
    context, page = log_in(browser, live_server, "reviewer", "/contributions/review/")
    page.get_by_role("link", name="共享单车骑行量").click()
    assert page.locator("#preview").is_visible()
    page.get_by_label("title").fill("请在标题中注明年份")
    page.get_by_role("button", name="要求修改").click()
    context.close()

    context, page = log_in(browser, live_server, "ent_admin", "/contributions/")
    page.get_by_role("link", name="共享单车骑行量").click()
    assert "请在标题中注明年份" in page.content()
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("标题", exact=True).fill("共享单车骑行量（2024）")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="重新提交").click()
    context.close()

    # The reviewer approves it: merged into the catalog with its provenance.
    context, page = log_in(browser, live_server, "reviewer", "/contributions/review/")
    page.get_by_role("link", name="共享单车骑行量（2024）").click()
    page.get_by_label("开放等级").select_option("open")
    page.get_by_role("button", name="批准并合并").click()
    assert Contribution.objects.get().status == Status.MERGED
    page.locator("#merged-link").click()
    assert page.get_by_text("由 甲企业 贡献").is_visible()
    page.screenshot(path="/tmp/contrib-dataset.png", full_page=True)
    context.close()

    page = browser.new_page()
    page.goto(f"{live_server.url}/search/?q=共享单车")
    assert page.get_by_role("link", name="共享单车骑行量（2024）").first.is_visible()
    page.close()
