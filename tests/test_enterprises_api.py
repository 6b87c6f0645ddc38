"""Enterprise API v1 over HTTP, for every role: register, read, members, invitations, review by platform admins.

Bad input answers a clear 4xx naming the field, and never changes what is stored.
"""
import pytest
from django.core import mail
from django.test import Client

from api_support import upload
from enterprise_support import BAD_CHECK_DIGIT, CODE_A, CODE_NEW, PNG_BYTES, link_in, path_of, registration
from enterprises.models import EnterpriseProfile
from organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


def url(profile, suffix=""):
    return f"{URL}{profile.organization.slug}/{suffix}"


def error(response, status):
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()["error"]
    assert body["status"] == status
    return body


def stored():
    """Everything enterprise-related that a refused request must leave alone."""
    return (sorted(EnterpriseProfile.objects.values_list("credit_code", "status", "rejection_reason")),
            sorted(Membership.objects.values_list("user__username", "organization__slug", "role")),
            Organization.objects.count())


def test_a_signed_in_person_registers_an_enterprise_and_becomes_its_admin(api_as, citizen):
    response = api_as(citizen).post(URL, registration(), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["credit_code"] == CODE_NEW and body["has_business_licence"]
    assert [(m["username"], m["role"]) for m in body["members"]] == [("citizen", "admin")]
    # The registration-received email goes to the contact and to the registrant.
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"contact@example.com", citizen.email}
    assert "上海示例数据科技有限公司" in mail.outbox[0].subject
    assert f"/enterprises/{body['slug']}/" in mail.outbox[0].body


def test_anonymous_callers_are_refused_everything(api, enterprise_a):
    before = stored()
    for response in (api.get(URL), api.post(URL, registration(), format="multipart"), api.get(url(enterprise_a)),
                     api.post(url(enterprise_a, "verify/"))):
        assert response.status_code in {401, 403}
        assert response.json()["error"]["code"] == "not_authenticated"
    assert stored() == before


@pytest.mark.parametrize("overrides, field", [
    ({"credit_code": BAD_CHECK_DIGIT}, "credit_code"),
    ({"credit_code": "91310115MA1K4ABC0"}, "credit_code"),
    ({"credit_code": "91310115MA1K4ABCO5"}, "credit_code"),
    ({"name_zh": ""}, "name_zh"),
    ({"contact_email": "nope"}, "contact_email"),
    ({"business_licence": upload("licence.pdf", "名称,代码\n甲,1\n".encode())}, "business_licence"),
    ({"business_licence": upload("licence.png", b"")}, "business_licence"),
])
def test_bad_registrations_answer_400_naming_the_field(api_as, citizen, overrides, field):
    before = stored()
    body = error(api_as(citizen).post(URL, registration(**overrides), format="multipart"), 400)
    assert field in body["fields"], body
    assert stored() == before and mail.outbox == []


def test_a_missing_licence_is_a_400(api_as, citizen):
    data = registration()
    del data["business_licence"]
    assert "business_licence" in error(api_as(citizen).post(URL, data, format="multipart"), 400)["fields"]


def test_an_image_licence_is_accepted(api_as, citizen):
    data = registration(business_licence=upload("执照.png", PNG_BYTES, "image/png"))
    assert api_as(citizen).post(URL, data, format="multipart").status_code == 201


def test_a_too_large_licence_is_a_413(api_as, citizen, settings):
    settings.ENTERPRISE_LICENCE_MAX_BYTES = 100
    data = registration(business_licence=upload("big.png", PNG_BYTES + b"\x00" * 200, "image/png"))
    before = stored()
    assert "business_licence" in error(api_as(citizen).post(URL, data, format="multipart"), 413)["fields"]
    assert stored() == before


def test_a_duplicate_credit_code_is_a_409(api_as, citizen, enterprise_a):
    before = stored()
    body = error(api_as(citizen).post(URL, registration(code=CODE_A.lower()), format="multipart"), 409)
    assert "credit_code" in body["fields"]
    assert stored() == before


def test_list_shows_ones_own_enterprises_and_everything_to_staff(api_as, citizen, staff, enterprise_admin,
                                                                 enterprise_member, enterprise_b, pending_enterprise):
    def slugs(user, query=""):
        response = api_as(user).get(URL + query)
        assert response.status_code == 200
        return {item["slug"] for item in response.json()["results"]}

    a, b, c = (enterprise_member.memberships.get().organization.slug, enterprise_b.organization.slug,
               pending_enterprise.organization.slug)
    assert slugs(citizen) == set()
    assert slugs(enterprise_admin) == {a}
    assert slugs(enterprise_member) == {a}
    assert slugs(staff) == {a, b, c}
    assert slugs(staff, "?status=pending") == {c}
    assert slugs(enterprise_admin, "?status=pending") == set()
    assert "status" in error(api_as(staff).get(URL + "?status=maybe"), 400)["fields"]


def test_detail_is_for_members_and_staff_only(api_as, citizen, staff, publisher, enterprise_a, enterprise_member,
                                              enterprise_b):
    body = api_as(enterprise_member).get(url(enterprise_a)).json()
    assert body["status"] == "verified"
    assert {(m["username"], m["role"]) for m in body["members"]} == {("ent_admin", "admin"), ("ent_member", "member")}
    assert api_as(staff).get(url(enterprise_a)).status_code == 200
    for outsider in (citizen, publisher):
        error(api_as(outsider).get(url(enterprise_a)), 403)
    # A member of enterprise A may not read (or act for) enterprise B.
    error(api_as(enterprise_member).get(url(enterprise_b)), 403)
    error(api_as(citizen).get(URL + "no-such-enterprise/"), 404)


def test_enterprise_admins_add_and_remove_members(api_as, make_user, enterprise_a, enterprise_admin):
    newcomer = make_user("newcomer")
    client = api_as(enterprise_admin)
    response = client.post(url(enterprise_a, "members/"), {"user": "newcomer"}, format="json")
    assert response.status_code == 201 and response.json()["role"] == "member"
    response = client.post(url(enterprise_a, "members/"), {"user": "NEWCOMER@example.org", "role": "admin"},
                           format="json")
    assert response.status_code == 201 and response.json()["username"] == "newcomer"
    roles = set(Membership.objects.filter(user=newcomer).values_list("role", flat=True))
    assert roles == {"member", "admin"}
    assert client.delete(url(enterprise_a, "members/newcomer/")).status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    error(client.delete(url(enterprise_a, "members/newcomer/")), 404)


def test_member_changes_are_refused_to_everyone_else(api_as, make_user, citizen, staff, enterprise_a,
                                                     enterprise_member, enterprise_b, other_admin, publisher):
    make_user("newcomer")
    before = stored()
    for user in (enterprise_member, citizen, publisher, other_admin):
        error(api_as(user).post(url(enterprise_a, "members/"), {"user": "newcomer"}, format="json"), 403)
        error(api_as(user).delete(url(enterprise_a, "members/ent_admin/")), 403)
    assert stored() == before
    # Platform staff may manage any enterprise's members.
    assert api_as(staff).post(url(enterprise_b, "members/"), {"user": "newcomer"}, format="json").status_code == 201


def test_bad_member_requests(api_as, enterprise_a, enterprise_admin):
    client = api_as(enterprise_admin)
    before = stored()
    assert "user" in error(client.post(url(enterprise_a, "members/"), {"user": "ghost"}, format="json"), 400)["fields"]
    assert "role" in error(client.post(url(enterprise_a, "members/"), {"user": "ent_admin", "role": "publisher"},
                                       format="json"), 400)["fields"]
    # The last admin cannot be removed.
    assert "member" in error(client.delete(url(enterprise_a, "members/ent_admin/")), 409)["fields"]
    assert stored() == before and mail.outbox == []


def test_an_email_without_an_account_gets_an_invitation_link(api_as, enterprise_a, enterprise_admin, make_user):
    response = api_as(enterprise_admin).post(url(enterprise_a, "members/"), {"user": "later@example.com"},
                                             format="json")
    assert response.status_code == 202 and response.json() == {"invited": "later@example.com"}
    assert mail.outbox[0].to == ["later@example.com"] and "甲企业" in mail.outbox[0].subject
    invitation = path_of(link_in(mail.outbox[0]))

    # Only an account that verified the invited address may accept it.
    someone_else = Client()
    someone_else.force_login(make_user("someone"))
    assert someone_else.post(invitation).status_code == 403
    invitee = make_user("later", email="later@example.com")
    client = Client()
    client.force_login(invitee)
    assert "接受邀请" in client.get(invitation).content.decode()
    response = client.post(invitation)
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{enterprise_a.organization.slug}/"
    assert Membership.objects.filter(user=invitee, organization=enterprise_a.organization, role="member").exists()
    assert Client().get(invitation)["Location"].startswith("/accounts/login/")
    assert client.get(invitation[:-5] + "xxxx/").status_code == 404


def test_platform_admins_verify_pending_enterprises(api_as, staff, pending_enterprise):
    response = api_as(staff).post(url(pending_enterprise, "verify/"))
    assert response.status_code == 200 and response.json()["status"] == "verified"
    assert len(mail.outbox) == 1 and "已通过认证" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["applicant@example.org"]
    before = stored()
    for action, data in (("verify/", {}), ("reject/", {"reason": "重复"})):
        assert "status" in error(api_as(staff).post(url(pending_enterprise, action), data, format="json"), 409)["fields"]
    assert stored() == before and len(mail.outbox) == 1


def test_platform_admins_reject_with_a_reason(api_as, staff, pending_enterprise):
    before = stored()
    assert "reason" in error(api_as(staff).post(url(pending_enterprise, "reject/"), {"reason": "  "}, format="json"),
                             400)["fields"]
    assert stored() == before
    response = api_as(staff).post(url(pending_enterprise, "reject/"), {"reason": "营业执照不清晰"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["rejection_reason"] == "营业执照不清晰"
    assert "未通过" in mail.outbox[0].subject and "营业执照不清晰" in mail.outbox[0].body
    error(api_as(staff).post(url(pending_enterprise, "verify/")), 409)


def test_only_platform_admins_review(api_as, citizen, publisher, reviewer, enterprise_admin, enterprise_a,
                                     pending_enterprise):
    before = stored()
    applicant = pending_enterprise.registered_by
    for user in (citizen, publisher, reviewer, enterprise_admin, applicant):
        error(api_as(user).post(url(pending_enterprise, "verify/")), 403)
        error(api_as(user).post(url(pending_enterprise, "reject/"), {"reason": "x"}, format="json"), 403)
    assert stored() == before and mail.outbox == []
