"""The portal in a real Chromium: publish a dataset, then find, read and download it as a visitor."""
import pytest

from api_support import CSV_BYTES
from datasets.models import Dataset

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_publish_find_switch_language_and_download(browser, live_server, publisher, make_dataset, tmp_path):
    make_dataset("secret-signals", open_grade="restricted", title="信号配时方案")
    make_dataset("open-parking", title="公共停车场")

    # A publisher logs in and publishes a dataset with a CSV file.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/datasets/-/new/")
    page.get_by_label("用户名").fill("publisher")
    page.get_by_label("密码").fill("pw-publisher")
    page.get_by_role("button", name="登录").click()
    page.get_by_label("标识符").fill("sh.jt:bus/lines")
    page.locator("#id_title").fill("公交线路走向")
    page.locator("#id_description").fill("全市**公交线路**走向与站点。")
    page.get_by_label("公共交通").check()
    page.get_by_label("无条件开放").check()
    page.get_by_label("时间范围起").fill("2024-01-01")
    page.get_by_label("时间范围止").fill("2024-12-31")
    page.get_by_role("button", name="创建草稿").click()
    page.get_by_role("link", name="添加资源").click()
    page.get_by_label("上传文件").set_input_files(
        {"name": "lines.csv", "mimeType": "text/csv", "buffer": CSV_BYTES}
    )
    page.get_by_label("声明的格式").fill("CSV")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="发布").click()
    assert page.get_by_text("数据集已发布。").is_visible()
    assert Dataset.objects.get(identifier="sh.jt:bus/lines").state == Dataset.State.PUBLISHED
    context.close()

    # An anonymous visitor finds it; the restricted dataset is nowhere in the list.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.screenshot(path="/tmp/portal-home.png", full_page=True)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据目录").click()
    results = page.locator(".dataset-items")
    assert results.get_by_role("link", name="公交线路走向").is_visible()
    assert results.get_by_role("link", name="公共停车场").is_visible()
    assert page.get_by_text("信号配时方案").count() == 0
    page.get_by_role("link", name="公交线路走向").click()
    assert page.locator(".prose strong").inner_text() == "公交线路"
    page.screenshot(path="/tmp/portal-dataset.png", full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/datasets/sh.jt:bus/lines/")
    assert page.get_by_role("heading", name="Resources").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download lines.csv").click()
    download = download_info.value
    target = tmp_path / "lines.csv"
    download.save_as(target)
    assert target.read_bytes() == CSV_BYTES
    context.close()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(browser, live_server):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # it shows itself when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()
