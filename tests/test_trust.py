"""Trust: only verified enterprises are named as data providers, an enterprise cannot take a government
department's name, and the footer's pages (about, contact, terms, privacy, accessibility) are there in
both languages, editable by staff, with the terms linked from the access application form."""
import re

import pytest
from django.test import Client

from enterprise_support import CODE_NEW, registration
from enterprises import services as enterprise_services

FOOTER_PAGES = {
    "about": ("关于本站", "About this portal"),
    "contact": ("联系我们", "Contact"),
    "terms": ("使用条款", "Terms of use"),
    "privacy": ("隐私政策", "Privacy policy"),
    "accessibility": ("无障碍说明", "Accessibility"),
}


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def providers(pending_enterprise, enterprise_a, make_dataset, staff, transport_bureau,
              django_capture_on_commit_callbacks):
    """A department, a verified and a pending enterprise, each with one published open dataset (indexed)."""
    with django_capture_on_commit_callbacks(execute=True):
        make_dataset("bureau-data", organization=transport_bureau)
        make_dataset("verified-data", user=staff, organization=enterprise_a.organization)
        make_dataset("pending-data", user=staff, organization=pending_enterprise.organization)
    return pending_enterprise.organization, enterprise_a.organization


def test_an_unverified_enterprise_is_named_nowhere_public(providers, client, api, staff):
    pending, verified = providers
    for language in ("", "/en"):
        listing = text(client.get(f"{language}/organizations/"))
        assert verified.slug in listing and pending.slug not in listing
        home = text(client.get(f"{language}/"))
        assert f"/organizations/{verified.slug}/" in home and f"/organizations/{pending.slug}/" not in home
        assert re.search(r'data-figure="organizations">2<', home)  # the department and the verified enterprise
        filters = text(client.get(f"{language}/datasets/"))
        # The facet sidebar names a provider by a link that filters on it.
        assert f"organization={verified.slug}" in filters and f"organization={pending.slug}" not in filters
        assert client.get(f"{language}/organizations/{pending.slug}/").status_code == 404
    slugs = [org["slug"] for org in api.get("/api/v1/organizations/").json()["results"]]
    assert verified.slug in slugs and pending.slug not in slugs
    assert api.get(f"/api/v1/organizations/{pending.slug}/").status_code == 404
    refused = api.get("/api/v1/datasets/", {"organization": pending.slug})
    assert refused.status_code == 400 and "organization" in refused.json()["error"]["fields"]
    suggestions = api.get("/api/v1/search/suggest/", {"q": "丙企"}).json()
    assert pending.slug not in str(suggestions)
    facets = api.get("/api/v1/search/", {"q": ""}).json()["facets"]["organization"]
    assert verified.slug in [row["value"] for row in facets] and pending.slug not in [row["value"] for row in facets]
    search_page = text(client.get("/search/"))
    assert f"organization={verified.slug}" in search_page and f"organization={pending.slug}" not in search_page

    enterprise_services.verify_enterprise(user=staff, profile=pending.enterprise_profile)
    assert pending.slug in text(client.get("/organizations/"))
    assert api.get(f"/api/v1/organizations/{pending.slug}/").status_code == 200


@pytest.mark.parametrize("name_zh, name_en, field", [
    ("市交通委员会", "", "name_zh"),
    (" 市 交通\u3000委员会 ", "", "name_zh"),  # spaces, ideographic space
    ("某某科技有限公司", "ＭＵＮＩＣＩＰＡＬ transport COMMISSION", "name_en"),  # full-width, other case
    ("Municipal Transport Commission", "", "name_zh"),  # the department's English name as the Chinese one
])
def test_registration_cannot_copy_a_government_name(api_as, enterprise_admin, transport_bureau, name_zh, name_en,
                                                    field):
    response = api_as(enterprise_admin).post("/api/v1/enterprises/", registration(
        name_zh=name_zh, name_en=name_en), format="multipart")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert response.json()["error"]["fields"][field] == ["该名称与政府部门“市交通委员会”相同，企业不能使用。"]


def test_the_registration_page_says_which_name_is_taken_in_both_languages(client, make_user, transport_bureau):
    client.force_login(make_user("founder"))
    chinese = text(client.post("/enterprises/register/", registration(name_zh="市交通委员会")))
    assert "该名称与政府部门“市交通委员会”相同，企业不能使用。" in chinese
    english = text(client.post("/en/enterprises/register/", registration(name_zh="市交通委员会")))
    assert "This is the name of the government organization “Municipal Transport Commission”; an enterprise cannot use it." in english
    assert text(client.get("/enterprises/")).count(CODE_NEW) == 0  # nothing registered


def test_renaming_an_enterprise_to_a_government_name_is_refused_in_the_admin(client, staff, enterprise_a,
                                                                             transport_bureau):
    organization = enterprise_a.organization
    client.force_login(staff)
    url = f"/admin/organizations/organization/{organization.pk}/change/"
    form = {"slug": organization.slug, "kind": "enterprise", "name_zh": organization.name_zh,
            "name_en": "municipal  transport commission", "description": "", "contact_email": "",
            "contact_phone": "", "website": "", "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    page = text(client.post(url, form, follow=True))
    assert "该名称与政府部门“市交通委员会”相同，企业不能使用。" in page
    organization.refresh_from_db()
    assert organization.name_en == ""
    form["name_en"] = "Jia Enterprise"
    assert client.post(url, form).status_code == 302
    organization.refresh_from_db()
    assert organization.name_en == "Jia Enterprise"


def test_the_footer_links_five_pages_in_chinese_and_english(db, client):
    for language, index in (("", 0), ("/en", 1)):
        footer = text(client.get(f"{language}/")).split('class="site-footer"')[1]
        for slug, titles in FOOTER_PAGES.items():
            assert f'href="{language}/{slug}/"' in footer
            page = text(client.get(f"{language}/{slug}/"))
            assert f"<h1>{titles[index]}</h1>" in page
            assert "本页暂无英文版本" not in page and "This page has no English version" not in page
    assert "By using this portal you agree" in text(client.get("/en/terms/"))
    assert "使用本平台即表示您同意以下条款" in text(client.get("/terms/"))
    assert client.get("/no-such-page/").status_code == 404


def test_staff_edit_a_page_in_the_admin_and_it_renders_safely_with_an_english_fallback(client, staff):
    client.force_login(staff)
    from sitepages.models import SitePage
    about = SitePage.objects.get(slug="about")
    response = client.post(f"/admin/sitepages/sitepage/{about.pk}/change/", {
        "slug": "about", "title_zh": "关于我们", "title_en": "",
        "body_zh": "## 新的介绍\n\n<script>alert(1)</script>[链接](javascript:alert(1)) **城市数据**", "body_en": "",
    })
    assert response.status_code == 302
    visitor = Client()
    chinese = text(visitor.get("/about/"))
    assert "<h2>新的介绍</h2>" in chinese and "<strong>城市数据</strong>" in chinese
    assert "<script>" not in chinese.split('<div class="prose"')[1] and "javascript:" not in chinese
    english = text(visitor.get("/en/about/"))
    assert "<h1>关于我们</h1>" in english and "This page has no English version yet" in english
    assert "<h2>新的介绍</h2>" in english


def test_the_access_application_form_links_the_terms(client, conditional, enterprise_a, enterprise_admin):
    client.force_login(enterprise_admin)
    chinese = text(client.get(f"/access/apply/{conditional.identifier}"))
    assert re.search(r'申请即表示接受平台的<a href="/terms/"[^>]*>使用条款</a>', chinese)
    english = text(client.get(f"/en/access/apply/{conditional.identifier}"))
    assert re.search(r'By applying you accept the portal\'s <a href="/en/terms/"[^>]*>terms of use</a>', english)
