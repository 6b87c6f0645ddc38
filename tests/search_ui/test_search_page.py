"""The search page /search/ (zh) and /en/search/: facets, chips, highlights, grades, errors, degraded notice."""
import re

import pytest

pytestmark = pytest.mark.django_db


def page(client, path="/search/", status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status
    return response.content.decode()


def result_links(html):
    return re.findall(r'class="dataset-item-title"><a href="/(?:en/)?datasets/([^/"]+)/"', html)


def test_page_in_chinese_with_facets_chips_and_highlights(client, catalog):
    html = page(client, q="公交", theme="transport-public")
    assert '<html lang="zh-Hans">' in html
    assert result_links(html) == ["bus-routes"]
    assert re.search(r'<a href="/datasets/bus-routes/">[^<]*<mark>公', html)
    assert "共找到 1 个数据集" in html
    # Facets with counts; the selected theme is a removable chip and a checked facet value.
    assert re.search(r'aria-checked="true">\s*<span class="facet-box" aria-hidden="true"></span>\s*'
                     r'<span class="facet-label">公共交通</span>\s*<span class="facet-count">1</span>', html)
    chip = re.search(r'<a class="chip chip-removable" href="([^"]*)">\s*<span class="chip-title">主题：</span>公共交通', html)
    assert chip and "theme=" not in chip.group(1) and "q=%E5%85%AC%E4%BA%A4" in chip.group(1)
    # Every state is in the URL: following the facet link of another theme adds it to the selection.
    links = [href.replace("&amp;", "&") + "&" for href in re.findall(r'<a href="(\?[^"]*)" class="facet-value', html)]
    assert any("theme=transport&" in link and "theme=transport-public&" in link for link in links)


def test_page_in_english(client, catalog):
    html = page(client, "/en/search/", q="bus", sort="title")
    assert '<html lang="en">' in html
    assert result_links(html) == ["bus-routes"]
    assert "<mark>Bus</mark>" in html
    assert "Public transport" in html  # facet labels in the active language
    assert '<option value="title" selected>' in html


def test_highlights_are_escaped_except_the_marks(client, engine, make_dataset, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_dataset("tricky", title="公交 <img src=x onerror=alert(1)> & co",
                     description='公交站点 <script>alert("x")</script>')
    html = page(client, q="公交")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>" in html


@pytest.mark.parametrize("who, expected", [
    ("anonymous", ["bus-routes", "parking-lots"]), ("citizen", ["bus-routes", "parking-lots"]),
    ("other_publisher", ["bus-routes", "eco-secret", "parking-lots"]),
])
def test_page_never_shows_what_the_viewer_may_not_see(request, client, catalog, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    html = page(client, q="公交")
    assert "signal-control" not in html and "draft-counts" not in html
    assert sorted(result_links(html)) == expected
    restricted_facet = re.search(r'<span class="facet-label">不予开放</span>\s*<span class="facet-count">(\d+)<', html)
    assert (restricted_facet and restricted_facet.group(1)) == ("1" if who == "other_publisher" else None)


def test_members_find_their_restricted_datasets(client, catalog, publisher):
    client.force_login(publisher)
    assert sorted(result_links(page(client, q="公交"))) == ["bus-routes", "parking-lots", "signal-control"]


@pytest.mark.parametrize("params, title", [
    ({"modified_from": "2024-02-30"}, "修改日期起"),
    ({"bbox": "1,2"}, "边界框"),
    ({"page": "99999"}, "页码"),
    ({"theme": "nope"}, "主题"),
])
def test_bad_filters_are_a_form_error_not_a_500(client, catalog, params, title):
    html = page(client, status=400, q="公交", **params)
    assert 'class="form-alert" role="alert"' in html and f"“{title}”无效" in html


@pytest.mark.parametrize("text", ['"(公交', 'title:(a OR b)^3 ~ * ?', "x" * 5_000, "\t\n", "🚌", "   "])
def test_any_text_renders(client, catalog, text):
    page(client, q=text)


def test_control_characters_are_a_400_page(client, catalog):
    assert "q" in page(client, status=400, q="\x01\x02")


def test_past_the_last_page_offers_the_first(client, catalog):
    html = page(client, q="公交", page="3")
    assert "这一页没有结果" in html


def test_degraded_notice_when_elasticsearch_is_unreachable(client, es_catalog, settings):
    assert "搜索服务暂时不可用" not in page(client, q="公交")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    html = page(client, q="公交")
    assert "搜索服务暂时不可用" in html
    assert result_links(html) == ["bus-routes", "parking-lots"]


def test_dataset_page_shows_related_datasets_the_viewer_may_see(client, catalog, publisher):
    html = page(client, "/datasets/bus-routes/")
    assert "相关数据集" in html and "/datasets/metro-ridership/" in html
    assert "/datasets/signal-control/" not in html
    client.force_login(publisher)
    assert "/datasets/signal-control/" in page(client, "/datasets/bus-routes/")


def test_search_box_has_suggestions_wired_without_a_cdn(client, catalog):
    html = page(client)
    assert 'data-suggest-url="/api/v1/search/suggest/"' in html
    assert re.search(r'<script src="/static/search/search.js"', html)
    assert "//cdn" not in html and "https://" not in re.sub(r'href="https://[^"]*"', "", html)
