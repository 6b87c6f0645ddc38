"""The facet sidebar in a real Chromium: "show more" opens in place, and a value behind it can be chosen."""
import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUB_THEMES = ["transport-public", "transport-road", "transport-parking", "environment-air", "environment-water",
              "environment-green", "economy-enterprise", "economy-statistics", "health-facilities", "education-schools"]


def test_show_more_reveals_the_rest_of_a_facet_and_relabels_itself(browser, live_server, make_dataset):
    for number, theme in enumerate(SUB_THEMES):
        make_dataset(f"ds-{number}", themes=[theme], title=f"数据集{number}")
    errors = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/datasets/")
    themes = page.locator("section.facet", has=page.locator("#facet-theme"))
    more = themes.locator("details.facet-more")
    hidden_value = more.locator(".facet-value").last
    assert not hidden_value.is_visible()
    more.locator("summary").click()
    assert hidden_value.is_visible()
    assert more.locator("summary").inner_text() == "收起"
    label = hidden_value.locator(".facet-label").inner_text()
    hidden_value.click()
    page.wait_for_url("**/datasets/?theme=*")
    chosen = page.locator("section.facet", has=page.locator("#facet-theme")).locator(".facet-value.is-selected")
    assert chosen.locator(".facet-label").inner_text() == label and chosen.is_visible()
    assert page.locator(".dataset-items .dataset-item").count() >= 1
    page.goto(f"{live_server.url}/search/?q=无此数据")
    assert page.get_by_role("heading", name="没有找到与“无此数据”相关的数据集").is_visible()
    page.get_by_role("link", name="不用搜索词，浏览全部数据集").click()
    assert page.locator(".dataset-items .dataset-item").count() == len(SUB_THEMES)
    assert errors == []
    context.close()
