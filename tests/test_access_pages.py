"""Access pages: the apply block on dataset pages, applying, deciding, revoking, reporting, renewing."""
import pytest
from django.core import mail

from access.models import AccessApplication, Grant, UsageReport
from access_support import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def browse(client, django_capture_on_commit_callbacks):
    """browse(user, method, url, data) -> response, as that user, with the step's e-mails sent."""
    def go(user, method, url, data=None):
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data or {})
    return go


def page_of(dataset):
    return f"/datasets/{dataset.identifier}/"


def apply_url(dataset):
    return f"/access/apply/{dataset.identifier}"


def form_data(enterprise, **overrides):
    data = {"enterprise": enterprise.pk, "purpose": "交通研究", "intended_use": "内部统计",
            "period_start": days(0), "period_end": days(60), "terms_accepted": "on"}
    data.update(overrides)
    return data


def test_dataset_page_offers_applying_to_verified_enterprises_only(
        browse, conditional, graded_datasets, enterprise_a, enterprise_admin, citizen, pending_enterprise):
    assert "申请使用数据" in browse(enterprise_admin, "get", page_of(conditional)).content.decode()
    assert "Apply for data access" in browse(enterprise_admin, "get", "/en" + page_of(conditional)).content.decode()
    assert "只有通过认证的企业" in browse(citizen, "get", page_of(conditional)).content.decode()
    assert "只有通过认证的企业" in browse(pending_enterprise.registered_by, "get", page_of(conditional)).content.decode()
    assert "后，通过认证的企业可在线申请" in browse(None, "get", page_of(conditional)).content.decode()
    assert "申请使用数据" not in browse(enterprise_admin, "get", page_of(graded_datasets["open"])).content.decode()
    assert browse(citizen, "get", apply_url(conditional)).status_code == 403
    assert browse(pending_enterprise.registered_by, "get", apply_url(conditional)).status_code == 403
    assert browse(enterprise_admin, "get", apply_url(graded_datasets["restricted"])).status_code == 404


def test_apply_decide_and_see_the_grant_on_pages(browse, conditional, enterprise_a, enterprise_admin, reviewer):
    assert browse(enterprise_admin, "get", apply_url(conditional)).status_code == 200
    response = browse(enterprise_admin, "post", apply_url(conditional), form_data(enterprise_a.organization))
    application = AccessApplication.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/access/applications/{application.pk}/")
    assert mail.outbox[-1].to == [reviewer.email]
    assert "正在等待审核" in browse(enterprise_admin, "get", page_of(conditional)).content.decode()

    queue = browse(reviewer, "get", "/access/review/").content.decode()
    assert f"/access/applications/{application.pk}/" in queue
    detail = browse(reviewer, "get", f"/access/applications/{application.pk}/").content.decode()
    assert "批准申请" in detail and "交通研究" in detail
    response = browse(reviewer, "post", f"/access/applications/{application.pk}/approve/",
                      {"terms": "仅限研究", "expires_on": days(20)})
    assert response.status_code == 302
    assert Grant.objects.get().terms == "仅限研究" and enterprise_admin.email in mail.outbox[-1].to

    mine = browse(enterprise_admin, "get", "/access/").content.decode()
    assert conditional.title in mine and "生效中" in mine
    page = browse(enterprise_admin, "get", page_of(conditional)).content.decode()
    assert "已获授权" in page and "data:read" in page
    assert "需申请获取" in page  # the signed-in person still downloads nothing without a key


def test_bad_forms_show_errors_and_store_nothing(browse, conditional, enterprise_a, enterprise_admin, reviewer):
    response = browse(enterprise_admin, "post", apply_url(conditional),
                      form_data(enterprise_a.organization, terms_accepted=""))
    assert response.status_code == 200 and "须接受数据集的使用条款" in response.content.decode()
    assert not AccessApplication.objects.exists()

    browse(enterprise_admin, "post", apply_url(conditional), form_data(enterprise_a.organization))
    application = AccessApplication.objects.get()
    response = browse(enterprise_admin, "post", apply_url(conditional), form_data(enterprise_a.organization))
    assert response.status_code == 200 and "已有一份待审核的申请" in response.content.decode()
    response = browse(reviewer, "post", f"/access/applications/{application.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and 'id="id_reason_errors"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == AccessApplication.Status.SUBMITTED and AccessApplication.objects.count() == 1


def test_other_departments_and_enterprises_see_nothing(browse, granted, other_reviewer, other_admin, enterprise_admin,
                                                       enterprise_b):
    application, grant = granted
    for user in (other_reviewer, other_admin):
        assert browse(user, "get", f"/access/applications/{application['id']}/").status_code == 404
        assert browse(user, "post", f"/access/grants/{grant['id']}/revoke/", {"reason": "x"}).status_code == 404
    assert browse(other_reviewer, "post", f"/access/applications/{application['id']}/reject/",
                  {"reason": "x"}).status_code == 404
    assert browse(enterprise_admin, "get", "/access/review/").status_code == 403
    assert Grant.objects.get().revoked_at is None


def test_withdraw_reject_and_revoke_on_pages(browse, conditional, enterprise_a, enterprise_admin, reviewer, granted,
                                             make_dataset):
    _application, grant = granted
    response = browse(reviewer, "post", f"/access/grants/{grant['id']}/revoke/", {"reason": "违规"})
    assert response.status_code == 302 and Grant.objects.get().revoked_at is not None
    assert "违规" in mail.outbox[-1].body
    assert "已撤销" in browse(enterprise_admin, "get", "/access/").content.decode()

    other = make_dataset("ride-hailing", open_grade="conditional")
    browse(enterprise_admin, "post", apply_url(other), form_data(enterprise_a.organization))
    pending = AccessApplication.objects.get(dataset=other)
    browse(enterprise_admin, "post", f"/access/applications/{pending.pk}/withdraw/")
    pending.refresh_from_db()
    assert pending.status == AccessApplication.Status.WITHDRAWN
    response = browse(reviewer, "post", f"/access/applications/{pending.pk}/approve/",
                      {"terms": "t", "expires_on": days(5)})
    assert response.status_code == 400 and "已不在待审核状态" in response.content.decode()


def test_usage_report_then_renewal_on_pages(browse, granted, conditional, enterprise_admin, enterprise_member):
    _application, grant = granted
    response = browse(enterprise_admin, "post", f"/access/grants/{grant['id']}/renew/",
                      {"period_start": days(20), "period_end": days(80), "terms_accepted": "on"})
    assert response.status_code == 200 and "请先提交上一次授权的使用成果报告" in response.content.decode()

    response = browse(enterprise_member, "post", f"/access/grants/{grant['id']}/report/",
                      {"title": "拥堵预测模型", "description": "基于行程数据的预测", "is_public": "on"})
    assert response.status_code == 302 and UsageReport.objects.get().author == enterprise_member
    page = browse(None, "get", page_of(conditional)).content.decode()
    assert "数据应用成果" in page and "拥堵预测模型" in page

    response = browse(enterprise_admin, "post", f"/access/grants/{grant['id']}/renew/",
                      {"period_start": days(20), "period_end": days(80), "terms_accepted": "on"})
    assert response.status_code == 302
    assert AccessApplication.objects.get(status="submitted").renewal_of_id == grant["id"]


def test_private_usage_reports_stay_off_the_dataset_page(browse, granted, conditional, enterprise_admin):
    browse(enterprise_admin, "post", f"/access/grants/{granted[1]['id']}/report/",
           {"title": "内部报表", "description": "仅内部使用"})
    assert "内部报表" not in browse(None, "get", page_of(conditional)).content.decode()
