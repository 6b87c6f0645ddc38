"""A refused page says why (the reason the code gave) and what to do next, in Chinese and in English;
a refused data door says why in the API's error shape."""
import re

import pytest
from django.utils.html import escape

from access_support import APPLICATIONS, days
from apikeys_support import key_client

pytestmark = pytest.mark.django_db


def refusal(response):
    """(reason, hint, action links) of a 403 page."""
    assert response.status_code == 403, response.status_code
    html = response.content.decode()
    reason = re.search(r'<p class="error-reason">(.*?)</p>', html, re.S).group(1).strip()
    hint = re.search(r'<p class="error-hint">(.*?)</p>', html, re.S)
    actions = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', html)
    return reason, hint.group(1).strip() if hint else "", actions


def login(client, user):
    client.force_login(user)
    return client


LANGUAGES = {"zh": "", "en": "/en"}


@pytest.mark.parametrize("language, reason, hint, action", [
    ("zh", "只有通过认证的企业成员可以申请使用有条件开放数据。", "请先登记您的企业", "登记企业"),
    ("en", "Only members of verified enterprises may apply for conditional data.",
     "register your enterprise", "Register an enterprise"),
])
def test_applying_without_an_enterprise_says_so_and_links_to_registering_one(client, citizen, graded_datasets,
                                                                             language, reason, hint, action):
    prefix = LANGUAGES[language]
    response = login(client, citizen).get(f"{prefix}/access/apply/{graded_datasets['conditional'].identifier}")
    got_reason, got_hint, actions = refusal(response)
    assert got_reason == escape(reason)
    assert hint in got_hint
    assert (f"{prefix}/enterprises/register/", action) in actions


@pytest.mark.parametrize("language, reason, action", [
    ("zh", "只有通过认证的企业成员可以提交数据贡献。", "查看我的企业的认证状态"),
    ("en", "Only members of verified enterprises may submit data contributions.", "See my enterprise’s verification status"),
])
def test_a_member_of_an_unverified_enterprise_is_sent_to_its_status(client, pending_enterprise, language, reason,
                                                                    action):
    prefix = LANGUAGES[language]
    applicant = pending_enterprise.organization.memberships.get().user
    got_reason, got_hint, actions = refusal(login(client, applicant).get(f"{prefix}/contributions/new/"))
    assert got_reason == escape(reason)
    assert got_hint
    assert (f"{prefix}/enterprises/", escape(action)) in actions


@pytest.mark.parametrize("language, path, reason, hint", [
    ("zh", "/access/review/", "您不是任何数据提供部门的审核者。", "审核者由数据提供部门的组织管理员指定"),
    ("en", "/access/review/", "You are not a reviewer of any data provider.", "Reviewers are appointed"),
    ("zh", "/contributions/review/", "您不是任何政府部门的审核者。", "审核者由数据提供部门的组织管理员指定"),
    ("en", "/contributions/review/", "You are not a reviewer for any government department.", "Reviewers are appointed"),
    ("zh", "/datasets/-/new/", "只有发布者可以创建数据集。", "发布者角色由本单位的组织管理员或平台管理员授予"),
    ("en", "/datasets/-/new/", "Only publishers may create datasets.", "The publisher role is granted"),
    ("zh", "/search/insights/", "只有平台管理员可以查看此页面。", "此功能仅供平台管理员使用。"),
    ("en", "/search/insights/", "Only platform administrators may see this page.", "for platform administrators"),
    ("en", "/access/audit/", "Only platform administrators may see this page.", "for platform administrators"),
])
def test_a_missing_role_is_named_with_who_grants_it(client, citizen, language, path, reason, hint):
    got_reason, got_hint, actions = refusal(login(client, citizen).get(LANGUAGES[language] + path))
    assert got_reason == escape(reason)
    assert hint in got_hint
    assert actions[-1][0] == (LANGUAGES[language] or "") + "/"  # home, always


def test_a_publisher_of_another_organization_is_told_whose_publisher_may_edit(client, other_publisher, graded_datasets):
    response = login(client, other_publisher).get(f"/en/datasets/-/edit/{graded_datasets['open'].identifier}")
    got_reason, got_hint, _actions = refusal(response)
    assert got_reason == escape("Only publishers of this organization may change its datasets.")
    assert "The publisher role is granted" in got_hint


def test_the_api_gives_the_same_reason_without_the_page(api_as, citizen):
    response = api_as(citizen).get("/api/v1/access/audit/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("language, text", [
    ("zh-hans", "该 API 密钥所属企业对此数据集的使用授权尚未生效，将于"),
    ("en", "The grant of this API key’s enterprise for this dataset has not started yet; it starts on"),
])
def test_a_grant_that_has_not_started_says_when_it_will(enterprise_a, enterprise_admin, reviewer, conditional,
                                                      apply_as, post_as, data_key, language, text):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional, period_start=days(5)).json()
    approved = post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/", {"terms": "仅限研究使用", "expires_on": days(30)})
    assert approved.status_code == 200, approved.content
    resource = conditional.resources.get()
    client = key_client(data_key)
    for path in (f"/download/resources/{resource.pk}/", f"/api/v1/resources/{resource.pk}/rows/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 403, (path, response.content)
        error = response.json()["error"]
        assert error["code"] == "grant_required" and error["message"].startswith(text), error
