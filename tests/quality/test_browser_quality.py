"""In a real Chromium: a publisher uploads a CSV with a type error and identity numbers, sees its quality report,
the download is held back from an anonymous visitor, the publisher has it masked, and the new version is released."""
import pytest
from playwright.sync_api import expect

from browser_support import log_in
from contributions_support import VALID_ID, csv_bytes
from datasets.models import Resource

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = [[f"人{n}", VALID_ID, str(20 + n)] for n in range(20)] + [["张三", VALID_ID, "abc"]]


def test_a_held_upload_is_masked_and_released(browser, live_server, make_dataset, publisher):
    make_dataset("people-open", with_file=False)
    context, page = log_in(browser, live_server, "publisher", "/datasets/-/add-resource/people-open")
    page.get_by_label("上传文件").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": csv_bytes(ROWS, ["姓名", "身份证号", "年龄"])})
    page.get_by_role("button", name="保存").click()
    summary = page.locator(".quality-summary")
    expect(summary).to_contain_text("21 行，3 列，发现 1 个问题")
    page.get_by_text("质量报告详情").click()
    expect(page.locator(".quality-details")).to_contain_text("type-error")
    expect(page.locator(".quality-pii")).to_contain_text("身份证号: id_card × 21")
    download = f"{live_server.url}/download/resources/{Resource.objects.get().pk}/"

    visitor = browser.new_context()
    refused = visitor.request.get(download)
    assert refused.status == 403 and refused.json()["error"]["code"] == "personal_data_held"
    visit = visitor.new_page()
    visit.goto(f"{live_server.url}/datasets/people-open/")
    expect(visit.locator(".resource-actions")).to_contain_text("含个人信息，暂停下载")
    expect(visit.get_by_text("质量报告详情")).to_have_count(0)

    page.get_by_role("button", name="由平台对含个人信息的列脱敏").click()
    expect(page.locator(".quality-summary")).to_contain_text("21 行，3 列，发现 1 个问题")  # the type error stays
    expect(page.locator("[data-field=held]")).to_have_count(0)
    released = visitor.request.get(download)
    assert released.status == 200
    assert VALID_ID not in released.text() and "110" in released.text()
    visit.reload()
    expect(visit.get_by_role("link", name="下载 people.csv")).to_be_visible()
    visitor.close()
    context.close()
