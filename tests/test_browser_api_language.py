"""The API speaks the language of Accept-Language; the page's scripts ask it for the page's language."""
import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("path, expected, other", [
    ("/search/", "市交通委员会", "Municipal Transport Commission"),
    ("/en/search/", "Municipal Transport Commission", "市交通委员会"),
])
def test_suggestions_follow_the_page_language_not_the_browser_one(browser, live_server, make_dataset, path, expected,
                                                                  other):
    make_dataset("bus-routes", title="公交线路")
    # A browser set to the other language than the page's.
    context = browser.new_context(locale="en-US" if path == "/search/" else "zh-CN")
    page = context.new_page()
    page.goto(live_server.url + path)
    page.locator("#search-q").fill("transport-b")
    suggestions = page.locator("#search-suggestions")
    suggestions.get_by_text(expected).wait_for()
    assert other not in suggestions.inner_text()
    context.close()
