"""Shared helpers of the API key tests: verified enterprises and keys issued over HTTP."""
import itertools
import secrets

import pytest
from rest_framework.test import APIClient

from datasets.models import Membership
from enterprises import services as enterprise_services
from enterprises.credit_code import ALPHABET, check_character

KEYS = "/api/v1/keys/"
_serial = itertools.count()


def credit_code():
    body = "91310000" + "".join(secrets.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def make_enterprise(admin, staff, name="企业", verified=True):
    profile = enterprise_services.register_enterprise(
        user=admin, name_zh=f"{name}{next(_serial)}", credit_code=credit_code(), legal_representative="张三",
        contact_name="李四", contact_email="contact@example.com",
    )
    if verified:
        enterprise_services.verify_enterprise(user=staff, profile=profile)
    return profile.organization


def add_member(staff, organization, member, role=Membership.Role.MEMBER):
    enterprise_services.add_enterprise_member(user=staff, organization=organization, member=member, role=role)


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
def enterprise_admin(make_user):
    return make_user("ent_admin")


@pytest.fixture
def enterprise(enterprise_admin, staff):
    return make_enterprise(enterprise_admin, staff)
