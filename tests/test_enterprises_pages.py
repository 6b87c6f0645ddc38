"""Enterprise pages over HTTP for every role: register, "my enterprise", members, invitations,
the platform admins' review page and Django admin actions."""
import pytest
from django.core import mail

from api_support import upload
from enterprise_support import BAD_CHECK_DIGIT, CODE_A, PDF_BYTES, registration
from enterprises.models import EnterpriseProfile
from organizations.models import Membership

pytestmark = pytest.mark.django_db


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def field_error(content, field):
    marker = f'id="id_{field}_errors"'
    assert marker in content, f"no error on {field}"
    start = content.index(marker)
    return content[start:content.index("</ul>", start)]


def detail_url(profile):
    return f"/enterprises/{profile.organization.slug}/"


def test_enterprise_pages_require_login(client, enterprise_a):
    for path in ("/enterprises/", "/enterprises/register/", "/enterprises/review/", detail_url(enterprise_a)):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_register_an_enterprise_through_the_form(client, citizen):
    client.force_login(citizen)
    content = page(client.get("/enterprises/register/"))
    assert 'enctype="multipart/form-data"' in content and "统一社会信用代码" in content
    response = client.post("/enterprises/register/", registration())
    assert response.status_code == 302
    profile = EnterpriseProfile.objects.get()
    assert response["Location"] == detail_url(profile)
    content = page(client.get(response["Location"]))
    assert "待审核" in content and "等待平台管理员审核" in content and "citizen" in content
    assert len(mail.outbox) == 1 and "认证申请" in mail.outbox[0].subject
    assert "上海示例数据科技有限公司" in page(client.get("/enterprises/"))
    # The licence is downloadable by the enterprise, never through a public URL.
    licence = client.get(f"{detail_url(profile)}licence/")
    assert licence.status_code == 200 and b"".join(licence.streaming_content) == PDF_BYTES


def test_registration_errors_are_form_errors(client, citizen, enterprise_a):
    client.force_login(citizen)
    content = page(client.post("/enterprises/register/", registration(code=BAD_CHECK_DIGIT)))
    assert "校验位" in field_error(content, "credit_code")
    content = page(client.post("/enterprises/register/", registration(code=CODE_A)))
    assert "已注册" in field_error(content, "credit_code")
    content = page(client.post("/enterprises/register/",
                               registration(business_licence=upload("licence.pdf", b"MZ\x90\x00binary"))))
    assert "PDF" in field_error(content, "business_licence")
    assert EnterpriseProfile.objects.count() == 1 and mail.outbox == []


def test_enterprise_pages_speak_english_under_en(client, enterprise_a, enterprise_admin):
    client.force_login(enterprise_admin)
    content = page(client.get(f"/en{detail_url(enterprise_a)}"))
    assert "Verification status" in content and "Verified" in content and "Add a member" in content
    assert "认证状态" not in content


def test_dashboard_shows_the_rejection_reason(client, staff, pending_enterprise):
    client.force_login(staff)
    client.post(f"{detail_url(pending_enterprise)}reject/", {"reason": "名称与执照不符"})
    client.force_login(pending_enterprise.registered_by)
    content = page(client.get(detail_url(pending_enterprise)))
    assert "已驳回" in content and "名称与执照不符" in content


def test_members_see_the_dashboard_but_only_admins_manage(client, enterprise_a, enterprise_member, enterprise_admin):
    client.force_login(enterprise_member)
    content = page(client.get(detail_url(enterprise_a)))
    assert "已认证" in content and "ent_admin" in content and "添加成员" not in content
    assert client.post(f"{detail_url(enterprise_a)}members/add/", {"user": "ent_member"}).status_code == 403
    assert client.post(f"{detail_url(enterprise_a)}members/ent_admin/remove/").status_code == 403

    client.force_login(enterprise_admin)
    assert "添加成员" in page(client.get(detail_url(enterprise_a)))


def test_enterprise_admin_adds_invites_and_removes_members(client, make_user, enterprise_a, enterprise_admin):
    make_user("newcomer")
    client.force_login(enterprise_admin)
    add = f"{detail_url(enterprise_a)}members/add/"
    response = client.post(add, {"user": "newcomer", "role": "member"}, follow=True)
    assert "已添加成员 newcomer" in page(response)
    response = client.post(add, {"user": "friend@example.com", "role": "member"}, follow=True)
    assert "已向 friend@example.com 发送邀请邮件" in page(response)
    assert mail.outbox[-1].to == ["friend@example.com"]
    content = page(client.post(add, {"user": "ghost", "role": "member"}))
    assert "找不到用户" in field_error(content, "user")
    response = client.post(f"{detail_url(enterprise_a)}members/newcomer/remove/", follow=True)
    assert "已移除成员 newcomer" in page(response)
    response = client.post(f"{detail_url(enterprise_a)}members/ent_admin/remove/", follow=True)
    assert "至少需要保留一名管理员" in page(response)
    assert Membership.objects.filter(organization=enterprise_a.organization, user__username="ent_admin").exists()


def test_a_member_of_one_enterprise_cannot_use_another(client, enterprise_member, enterprise_b, citizen):
    for user in (enterprise_member, citizen):
        client.force_login(user)
        for path in ("", "licence/"):
            assert client.get(f"{detail_url(enterprise_b)}{path}").status_code == 403
        assert client.post(f"{detail_url(enterprise_b)}members/add/", {"user": "ent_member"}).status_code == 403
    assert not Membership.objects.filter(user=enterprise_member, organization=enterprise_b.organization).exists()


def test_review_page_is_for_platform_admins(client, staff, citizen, publisher, reviewer, enterprise_admin,
                                            enterprise_a, pending_enterprise):
    for user in (citizen, publisher, reviewer, enterprise_admin):
        client.force_login(user)
        assert client.get("/enterprises/review/").status_code == 403
        assert client.post(f"{detail_url(pending_enterprise)}verify/").status_code == 403
        assert client.post(f"{detail_url(pending_enterprise)}reject/", {"reason": "x"}).status_code == 403
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "pending"

    client.force_login(staff)
    content = page(client.get("/enterprises/review/"))
    assert "丙企业" in content and "通过 丙企业" in content and "甲企业" in content  # decided list
    response = client.post(f"{detail_url(pending_enterprise)}verify/", follow=True)
    assert "企业“丙企业”已通过认证" in page(response) and "没有待审核的企业" in page(response)
    assert "已通过认证" in mail.outbox[0].subject
    # Deciding twice is refused with a message, not a change.
    response = client.post(f"{detail_url(pending_enterprise)}reject/", {"reason": "晚了"}, follow=True)
    assert "已审核" in page(response)
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "verified" and len(mail.outbox) == 1


def test_reject_needs_a_reason(client, staff, pending_enterprise):
    client.force_login(staff)
    content = page(client.post(f"{detail_url(pending_enterprise)}reject/", {"reason": ""}))
    assert field_error(content, "reason")
    response = client.post(f"{detail_url(pending_enterprise)}reject/", {"reason": "信息不全"})
    assert response.status_code == 302 and response["Location"] == "/enterprises/review/"
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "rejected" and pending_enterprise.rejection_reason == "信息不全"
    assert "信息不全" in mail.outbox[0].body


def test_django_admin_actions_verify_and_reject(client, staff, pending_enterprise, enterprise_a):
    client.force_login(staff)
    changelist = "/admin/enterprises/enterpriseprofile/"
    assert "丙企业" in page(client.get(changelist))
    # Reject asks for a reason first, then applies it.
    ask = client.post(changelist, {"action": "reject_selected", "_selected_action": [pending_enterprise.pk]})
    assert "驳回理由" in page(ask)
    client.post(changelist, {"action": "reject_selected", "_selected_action": [pending_enterprise.pk],
                             "apply": "1", "reason": "材料缺失"})
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "rejected" and pending_enterprise.rejection_reason == "材料缺失"
    assert "材料缺失" in mail.outbox[-1].body
    # Verifying an already-decided one is reported, and changes nothing.
    response = client.post(changelist, {"action": "verify_selected",
                                        "_selected_action": [pending_enterprise.pk, enterprise_a.pk]}, follow=True)
    assert "已审核" in page(response)
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "rejected" and len(mail.outbox) == 1
