"""Public pages over HTTP: every page in both languages, grade rules, filters, sanitized Markdown, query counts."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datasets.models import Dataset
from datasets.services.resources import add_url_resource

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def figure(page, name):
    match = re.search(rf'data-figure="{name}">([\d,]+)<', page)
    assert match, f"figure {name} missing"
    return int(match.group(1).replace(",", ""))


@pytest.fixture
def page_urls(graded_datasets, transport_bureau):
    return [
        "/", "/datasets/", f"/datasets/{graded_datasets['open'].identifier}/", "/organizations/",
        f"/organizations/{transport_bureau.slug}/", "/themes/", "/themes/transport/", "/accounts/login/",
    ]


def test_every_page_speaks_chinese_by_default_and_english_under_en(client, page_urls):
    for url in page_urls:
        page = html(client.get(url))
        assert 'lang="zh-Hans"' in page and "数据目录" in page and "城市公共数据开放平台" in page, url
        english = html(client.get("/en" + url))
        assert 'lang="en"' in english and "Data catalogue" in english and "City Open Data Portal" in english, url
        assert "数据目录" not in english, url


def test_english_pages_show_english_names_of_organizations_and_themes(client, graded_datasets):
    page = html(client.get(f"/en/datasets/{graded_datasets['open'].identifier}/"))
    assert "Municipal Transport Commission" in page and "Transport" in page and "Open" in page
    assert "市交通委员会" in html(client.get(f"/datasets/{graded_datasets['open'].identifier}/"))


def test_language_switcher_posts_to_set_language_with_this_page_in_the_other_language(client, graded_datasets):
    page = html(client.get("/en/datasets/?q=bus"))
    assert 'action="/i18n/setlang/"' in page
    assert 'name="next" value="/datasets/?q=bus"' in page
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/datasets/?q=bus"})
    assert response.status_code == 302 and response["Location"] == "/datasets/?q=bus"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/datasets/?q=bus"})
    assert response["Location"] == "/en/datasets/?q=bus"


@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "other_publisher"])
def test_outsiders_see_only_published_open_and_conditional_datasets(request, client, graded_datasets, viewer):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    listing = html(client.get("/datasets/"))
    assert "公交线路" in listing and "出租车行程" in listing
    assert "信号控制" not in listing and "草稿" not in listing
    assert "共 2 个数据集" in listing
    for key in ("restricted", "draft"):
        assert client.get(f"/datasets/{graded_datasets[key].identifier}/").status_code == 404
    home = html(client.get("/"))
    assert figure(home, "datasets") == 2 and figure(home, "resources") == 2
    assert "信号控制" not in home
    assert "已开放 2 个数据集" in html(client.get("/organizations/transport-bureau/"))
    assert "共 2 个数据集" in html(client.get("/themes/transport/"))
    assert "信号控制" not in html(client.get("/themes/transport/"))


def test_members_and_staff_also_see_their_restricted_datasets(client, graded_datasets, publisher, staff):
    for user in (publisher, staff):
        client.force_login(user)
        assert "信号控制" in html(client.get("/datasets/"))
        assert figure(html(client.get("/")), "datasets") == 3
        assert "已开放 3 个数据集" in html(client.get("/organizations/transport-bureau/"))
        assert client.get(f"/datasets/{graded_datasets['restricted'].identifier}/").status_code == 200
        assert client.get(f"/datasets/{graded_datasets['draft'].identifier}/").status_code == 200


def test_conditional_dataset_explains_access_by_application_and_offers_no_download(client, graded_datasets, publisher):
    dataset = graded_datasets["conditional"]
    page = html(client.get(f"/datasets/{dataset.identifier}/"))
    assert "有条件开放数据" in page and "申请" in page
    assert 'href="/download/' not in page and "需申请获取" in page
    client.force_login(publisher)
    assert 'href="/download/' in html(client.get(f"/datasets/{dataset.identifier}/"))


def test_open_dataset_offers_downloads_version_history_and_zip_to_anyone(client, graded_datasets):
    dataset = graded_datasets["open"]
    resource = dataset.resources.get()
    page = html(client.get(f"/datasets/{dataset.identifier}/"))
    assert f'href="{reverse("resource-download", args=[resource.pk])}"' in page
    assert f'href="{reverse("resource-version-download", args=[resource.pk, 1])}"' in page
    assert f'href="{reverse("dataset-download-zip", args=[dataset.identifier])}"' in page
    assert "有条件开放数据" not in page
    assert "编辑元数据" not in page  # no publishing tools for visitors


def test_identifiers_with_slashes_colons_and_dots_have_working_pages(client, make_dataset):
    dataset = make_dataset("sh:transport/bus.stops-2024", title="公交站点")
    page = html(client.get(f"/datasets/{dataset.identifier}/"))
    assert "公交站点" in page and "sh:transport/bus.stops-2024" in page


def test_parent_theme_page_includes_datasets_of_its_sub_themes(client, make_dataset):
    make_dataset("metro-stations", themes=["transport-public"], title="地铁站点")
    make_dataset("air-quality", themes=["environment-air"], title="空气质量监测")
    parent = html(client.get("/themes/transport/"))
    assert "地铁站点" in parent and "空气质量监测" not in parent
    assert "地铁站点" in html(client.get("/themes/transport-public/"))
    themes = html(client.get("/themes/"))
    assert re.search(r'href="/themes/transport/">交通出行</a> <span class="count">1 个数据集', themes)


def test_dataset_list_filters_sort_and_pages(client, make_dataset, publisher, other_publisher, eco_bureau):
    make_dataset("bus-a", title="公交甲", themes=["transport-public"], keywords=["公交", "线路"])
    make_dataset("taxi-b", title="出租车乙", open_grade="conditional", licence="cc0-1.0")
    make_dataset("air-c", title="空气丙", themes=["environment-air"], user=other_publisher, organization=eco_bureau)
    url_only = make_dataset("link-d", title="链接丁", with_file=False)
    add_url_resource(user=publisher, dataset=url_only, data={"url": "https://example.org/api"},
                     claimed_format="API")

    def titles(query):
        page = html(client.get("/datasets/" + query))
        return {title for title in ("公交甲", "出租车乙", "空气丙", "链接丁") if title in page}

    assert titles("?organization=eco-bureau") == {"空气丙"}
    assert titles("?theme=transport") == {"公交甲", "出租车乙", "链接丁"}
    assert titles("?theme=environment-air") == {"空气丙"}
    assert titles("?format=API") == {"链接丁"}
    assert titles("?open_grade=conditional") == {"出租车乙"}
    assert titles("?licence=cc0-1.0") == {"出租车乙"}
    assert titles("?q=线路") == {"公交甲"}
    assert titles("?q=生态环境局") == {"空气丙"}
    newest = html(client.get("/datasets/?sort=newest"))
    assert newest.index("链接丁") < newest.index("空气丙") < newest.index("公交甲")
    paged = html(client.get("/datasets/?page_size=10&page=1"))
    assert "共 4 个数据集" in paged
    bad = html(client.get("/datasets/?organization=nope&page_size=7&sort=bogus&page=x"))
    assert "部分筛选条件无效" in bad and "共 4 个数据集" in bad


def test_list_pages_by_page_size(client, make_dataset):
    for number in range(12):
        make_dataset(f"ds-{number:02d}", title=f"分页数据集{number:02d}", with_file=False)
    first = html(client.get("/datasets/?page_size=10&sort=title"))
    second = html(client.get("/datasets/?page_size=10&sort=title&page=2"))
    assert first.count('class="dataset-item"') == 10 and second.count('class="dataset-item"') == 2
    assert "分页数据集00" in first and "分页数据集11" in second
    assert 'href="?page_size=10&amp;sort=title&amp;page=2"' in first


def test_dataset_list_query_count_does_not_grow_with_page_size(client, make_dataset):
    for number in range(25):
        make_dataset(f"q-{number:02d}", themes=["transport", "transport-public"], keywords=["k"])

    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/datasets/?page_size={size}").status_code == 200
        return len(captured)

    # The first request counts the catalog and its facets; the next ones read the counts from the cache.
    first = queries(10)
    assert queries(10) == queries(20) < first


def test_markdown_description_is_rendered_and_sanitized(client, make_dataset):
    dataset = make_dataset("xss", description=(
        "**加粗** and a [link](https://example.org)\n\n"
        "<script>alert('x1')</script>\n\n"
        "<img src=x onerror=\"alert('x2')\">\n\n"
        "[bad](javascript:alert('x3'))\n\n"
        "<a href=\"javascript:alert('x4')\" onclick=\"alert('x5')\">raw</a>\n\n"
        "<iframe src=\"https://evil.example\"></iframe><p style=\"color:red\" onmouseover=\"alert('x6')\">styled</p>"
    ))
    page = html(client.get(f"/datasets/{dataset.identifier}/"))
    assert "<strong>加粗</strong>" in page
    assert 'href="https://example.org"' in page
    for needle in ("alert(", "javascript:", "onerror", "onclick", "onmouseover", "<iframe", "style=\"color"):
        assert needle not in page, needle
    listing = html(client.get("/datasets/"))
    assert "alert(" not in listing


def test_unknown_pages_are_404_pages_of_the_portal(client):
    response = client.get("/datasets/no-such-thing/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert client.get("/organizations/nope/").status_code == 404
    assert client.get("/themes/nope/").status_code == 404
    assert "Page not found" in client.get("/en/datasets/no-such-thing/").content.decode()


def test_archived_datasets_keep_their_page_but_leave_the_list(client, make_dataset):
    dataset = make_dataset("old-data", title="旧数据", state=Dataset.State.ARCHIVED)
    assert "旧数据" not in html(client.get("/datasets/"))
    page = html(client.get(f"/datasets/{dataset.identifier}/"))
    assert "已归档" in page
