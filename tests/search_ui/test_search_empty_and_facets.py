"""The search page shares the catalog list's facet sidebar and explains an empty result; on both backends."""
import re

import pytest

from facet_support import facet

pytestmark = pytest.mark.django_db

LIST_FACETS = ("organization", "theme", "format", "open_grade", "licence", "update_frequency")


def page(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_publisher", "publisher"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_catalog_list_and_the_search_page_show_the_same_graded_facets(request, client, catalog, who, prefix):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    searched, listed = page(client, f"{prefix}/search/"), page(client, f"{prefix}/datasets/")
    for name in LIST_FACETS:
        assert facet(searched, name) == facet(listed, name), name
    grades = facet(listed, "open_grade")
    restricted = "Restricted" if prefix else "不予开放"
    # Each publisher sees its own organization's restricted dataset, nobody else's.
    assert grades.get(restricted) == ({"publisher": (1, False), "other_publisher": (1, False)}.get(who))
    assert sum(count for count, _chosen in facet(listed, "organization").values()) == \
        {"publisher": 5, "other_publisher": 5}.get(who, 4)
    # The search page also facets keywords, with the same grades.
    assert ("信号" in facet(searched, "keyword")) == (who == "publisher")


@pytest.mark.parametrize("prefix, nothing, remove, browse", [
    ("", "没有找到与“无此数据”相关的数据集", "移除“公共交通”", '按<a href="/themes/">主题</a>或<a href="/organizations/">提供单位</a>'),
    ("/en", "No datasets found for “无此数据”", "Remove “Public transport”",
     'by <a href="/en/themes/">theme</a> or <a href="/en/organizations/">provider</a>'),
])
@pytest.mark.parametrize("page_number", [None, "1"])
def test_a_search_that_finds_nothing_says_what_was_searched_and_how_to_widen_it(client, catalog, prefix, nothing,
                                                                                remove, browse, page_number):
    params = {"q": "无此数据", "theme": "transport-public", **({"page": page_number} if page_number else {})}
    html = page(client, f"{prefix}/search/", **params)
    assert nothing in html and remove in html and browse in html
    assert "这一页没有结果" not in html and "No results on this page" not in html
    without_theme = re.search(r'<a href="([^"]*)">' + remove, html).group(1).replace("&amp;", "&")
    assert "theme=" not in without_theme and "q=" in without_theme
    without_text = re.search(r'<a href="([^"]*)">[^<]*(?:不用搜索词|without the search words)', html).group(1)
    without_text = without_text.replace("&amp;", "&")
    assert "q=" not in without_text and "theme=transport-public" in without_text
    # Following it finds the datasets of that theme: the advice leads somewhere.
    assert 'class="dataset-item-title"' in page(client, f"{prefix}/search/{without_text}")


def test_an_empty_result_past_page_one_still_offers_the_first_page(client, catalog):
    html = page(client, "/search/", q="公交", page="3")
    assert "这一页没有结果" in html and "没有找到与" not in html
