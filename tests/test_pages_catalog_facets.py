"""The catalog list (/datasets/) has the search page's facet sidebar: counts over what the viewer may
see, disjunctive within a facet, "show more" without scripts, and an empty state that explains itself."""
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from datasets.vocabularies import THEMES
from facet_support import facet

pytestmark = pytest.mark.django_db

SUB_THEMES = ["transport-public", "transport-road", "transport-parking", "environment-air", "environment-water",
              "environment-green", "economy-enterprise", "economy-statistics", "health-facilities", "education-schools"]

VALUE_LINK = r'" class="facet-value(?:"| is-selected")'


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(page):
    return re.findall(r'class="dataset-item-title"><a href="/(?:en/)?datasets/([^/"]+)/"', page)


@pytest.mark.parametrize("viewer, grades, organization_count", [
    ("anonymous", {"无条件开放": (1, False), "有条件开放": (1, False)}, 2),
    ("citizen", {"无条件开放": (1, False), "有条件开放": (1, False)}, 2),
    ("other_publisher", {"无条件开放": (1, False), "有条件开放": (1, False)}, 2),
    ("publisher", {"无条件开放": (1, False), "有条件开放": (1, False), "不予开放": (1, False)}, 3),
])
def test_facet_counts_never_count_what_the_viewer_may_not_see(request, client, graded_datasets, viewer, grades,
                                                               organization_count):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    page = html(client.get("/datasets/"))
    assert facet(page, "open_grade") == grades
    assert facet(page, "organization") == {"市交通委员会": (organization_count, False)}
    assert facet(page, "theme") == {"交通出行": (organization_count, False)}
    assert facet(page, "format") == {"CSV": (organization_count, False)}
    # Choosing a facet keeps the counts graded too.
    narrowed = html(client.get("/datasets/", {"organization": "transport-bureau", "format": "CSV"}))
    assert facet(narrowed, "open_grade") == grades
    assert "signal-control" in listed(narrowed) if viewer == "publisher" else "signal-control" not in narrowed


def test_facet_labels_and_counts_in_english(client, graded_datasets):
    page = html(client.get("/en/datasets/"))
    assert facet(page, "organization") == {"Municipal Transport Commission": (2, False)}
    assert facet(page, "theme") == {"Transport": (2, False)}
    assert set(facet(page, "open_grade")) == {"Open", "Conditional"}
    assert 'id="facets-title">Filter<' in page


def test_values_of_one_facet_are_any_of_them_and_its_counts_ignore_its_own_choice(client, make_dataset,
                                                                                   other_publisher, eco_bureau):
    make_dataset("bus", themes=["transport-public"], update_frequency="monthly")
    make_dataset("roads", themes=["transport-road"], open_grade="conditional")
    make_dataset("air", themes=["environment-air"], user=other_publisher, organization=eco_bureau)
    page = html(client.get("/datasets/?theme=transport-public"))
    assert listed(page) == ["bus"]
    themes = facet(page, "theme")
    assert themes["公共交通"] == (1, True) and themes["道路交通"] == (1, False) and themes["空气质量"] == (1, False)
    assert facet(page, "organization") == {"市交通委员会": (1, False)}
    assert facet(page, "update_frequency") == {"每月": (1, False)}
    either = html(client.get("/datasets/?theme=transport-public,environment-air"))
    assert sorted(listed(either)) == ["air", "bus"]
    both = html(client.get("/datasets/?theme=transport-public&theme=environment-air&organization=eco-bureau"))
    assert listed(both) == ["air"]
    # The link of a chosen value removes it; the link of another adds it.
    link = re.search(r'<a href="([^"]*)" class="facet-value is-selected"', page).group(1)
    assert "theme=" not in link
    chip = re.search(r'<a class="chip chip-removable" href="([^"]*)">\s*<span class="chip-title">主题：</span>公共交通',
                     page)
    assert chip and "theme=" not in chip.group(1)


def test_a_long_facet_shows_its_first_values_and_the_rest_behind_show_more(client, make_dataset):
    for number, theme in enumerate(SUB_THEMES):
        make_dataset(f"ds-{number}", themes=[theme])
    page = html(client.get("/datasets/"))
    section = re.search(r'aria-labelledby="facet-theme">(.*?)</section>', page, re.S).group(1)
    shown, _sep, more = section.partition('<details class="facet-more">')
    assert len(re.findall(VALUE_LINK, shown)) == 8
    assert len(re.findall(VALUE_LINK, more)) == len(facet(page, "theme")) - 8 > 0
    assert re.search(r"<summary[^>]*>显示更多（\d+ 项）</summary>", more)
    # No clipped scrolling box: the rule for a facet's values sets no height.
    rule = re.search(r"\.facet-values \{[^}]*\}", Path(finders.find("portal/portal.css")).read_text(encoding="utf-8"))
    assert rule and "max-height" not in rule.group(0) and "overflow" not in rule.group(0)
    # A chosen value is never hidden behind "show more".
    last = re.findall(r'<span class="facet-label"[^>]*>([^<]*)</span>', more)[-1]
    codes = {zh: code for top, top_zh, _en, subs in THEMES for code, zh in [(top, top_zh), *((c, z) for c, z, _e in subs)]}
    chosen = html(client.get("/datasets/", {"theme": codes[last]}))
    chosen_shown = re.search(r'aria-labelledby="facet-theme">(.*?)(<details|</section>)', chosen, re.S).group(1)
    assert f'<span class="facet-label">{last}</span>' in chosen_shown
    english = html(client.get("/en/datasets/"))
    assert re.search(r'<summary data-label-open="Show less">Show \d+ more</summary>', english)


def test_unknown_facet_values_are_reported_and_ignored(client, graded_datasets):
    page = html(client.get("/datasets/?organization=nope&theme=nope,transport&open_grade=secret"))
    assert "部分筛选条件无效" in page and "未知的取值：nope。" in page and "未知的取值：secret。" in page
    assert sorted(listed(page)) == ["bus-routes", "taxi-trips"]


@pytest.mark.parametrize("prefix, nothing, remove, spelling, browse", [
    ("", "没有找到与“无此数据”相关的数据集", "移除“无条件开放”", "检查是否有错别字", "按<a href=\"/themes/\">主题</a>"),
    ("/en", "No datasets found for “无此数据”", "Remove “Open”", "Check the spelling",
     "by <a href=\"/en/themes/\">theme</a> or <a href=\"/en/organizations/\">provider</a>"),
])
def test_an_empty_catalog_search_says_what_was_asked_and_how_to_widen_it(client, graded_datasets, prefix, nothing,
                                                                        remove, spelling, browse):
    page = html(client.get(f"{prefix}/datasets/", {"q": "无此数据", "open_grade": "open"}))
    assert listed(page) == []
    assert nothing in page and remove in page and spelling in page and browse in page
    without_grade = re.search(r'<a href="([^"]*)">' + remove, page).group(1)
    assert "open_grade" not in without_grade and "q=" in without_grade
    without_text = re.search(r'<a href="([^"]*)">[^<]*(?:不用搜索词|without the search words)', page).group(1)
    assert "q=" not in without_text and "open_grade=open" in without_text
    # Removing the text finds the open dataset: the suggestion leads somewhere.
    assert listed(html(client.get(f"{prefix}/datasets/{without_text.replace('&amp;', '&')}"))) == ["bus-routes"]


def test_an_empty_filter_without_text_has_no_spelling_hint(client, graded_datasets):
    page = html(client.get("/datasets/", {"update_frequency": "daily"}))
    assert "没有符合这些筛选条件的数据集" in page and "检查是否有错别字" not in page
    assert "暂无符合条件的数据集" not in page
