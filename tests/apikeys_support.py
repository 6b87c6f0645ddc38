"""Shared helpers of the API key tests: verified enterprises and keys issued over HTTP."""
import itertools
import secrets

import pytest
from rest_framework.test import APIClient

from enterprises import services as enterprise_services
from enterprises.credit_code import ALPHABET, check_character
from organizations import services as organization_services
from organizations.models import Membership, Organization

KEYS = "/api/v1/keys/"
_serial = itertools.count()


def credit_code():
    body = "91310000" + "".join(secrets.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def make_enterprise(admin, staff, name="企业", verified=True):
    """A registered enterprise (verified unless told otherwise), fetched afresh."""
    profile = enterprise_services.register_enterprise(
        user=admin, name_zh=f"{name}{next(_serial)}", credit_code=credit_code(), legal_representative="张三",
        contact_name="李四", contact_email="contact@example.com",
    )
    if verified:
        enterprise_services.verify_enterprise(user=staff, profile=profile)
    return Organization.objects.get(pk=profile.organization_id)


def add_member(staff, organization, member, role=Membership.Role.MEMBER):
    organization_services.add_member(user=staff, organization=organization, member=member, role=role)


def session_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def issue(user, *, scopes=("catalog:read",), organization=None, **extra):
    """Issue a key over the API as `user`; returns the JSON answer (with its one-time token)."""
    body = {"name": extra.pop("name", "测试密钥"), "scopes": list(scopes), **extra}
    if organization is not None:
        body["organization"] = organization.slug
    response = session_client(user).post(KEYS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def key_client(token, **extra):
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    return client


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    return body


@pytest.fixture
def enterprise(enterprise_admin, staff):
    return make_enterprise(enterprise_admin, staff)


def seed_limited_key(per_minute):
    """For a server with a database of its own: an open dataset and a key allowed `per_minute` calls.

    Everything through the services, as the portal itself would; the plan as an admin sets it.
    Returns (token, dataset identifier).
    """
    from django.contrib.auth import get_user_model

    from api_support import upload
    from apikeys.models import ApiKey, Plan
    from apikeys.services import issue_key
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datasets.services.resources import add_file_resource
    from organizations.services import save_organization

    users = get_user_model().objects
    staff = users.create_user("mp-staff", is_staff=True, is_superuser=True)
    bureau = save_organization(user=staff, data={"slug": "mp-bureau", "kind": "government",
                                                                 "name_zh": "多进程测试局"})
    dataset = create_dataset(user=staff, organization=bureau, data={
        "identifier": "mp-open", "title": "多进程", "open_grade": "open", "licence": "cc-by-4.0",
        "themes": ["transport"]})
    add_file_resource(user=staff, dataset=dataset, uploaded=upload("mp.csv"))
    publish_dataset(user=staff, dataset=dataset)
    organization = make_enterprise(users.create_user("mp-holder"), staff)
    plan = Plan.objects.create(code="mp-limited", name_zh="限流", burst_per_second=1000,
                               requests_per_minute=per_minute, daily_quota=100000)
    holder = organization.memberships.get().user
    key, token = issue_key(user=holder, name="mp", scopes=["catalog:read"], organization=organization)
    ApiKey.objects.filter(pk=key.pk).update(plan=plan)
    return token, dataset.identifier
