"""Helpers for the accounts and enterprises tests: valid credit codes, licence scans, people in every enterprise role.

Its fixtures reach every test through tests/conftest.py (pytest_plugins); enterprises
are created and decided through enterprises.services, the way the portal does it.
"""
import re

import pytest

from api_support import upload
from enterprises import services as enterprise_services
from organizations import services as organization_services
from organizations.models import Membership

# Valid unified social credit codes (check digit per GB 32100-2015).
CODE_A = "91310115MA1K4ABC05"
CODE_B = "91310000132200821H"
CODE_NEW = "91440300MA5DXXXX1R"
CODE_OTHER = "91110108551385082Q"
BAD_CHECK_DIGIT = "91440300MA5DXXXX1A"

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def licence_pdf(name="licence.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")


def registration(code=CODE_NEW, **overrides):
    data = {"name_zh": "上海示例数据科技有限公司", "name_en": "Example Data Tech", "credit_code": code,
            "legal_representative": "王五", "contact_name": "赵六", "contact_email": "contact@example.com",
            "contact_phone": "021-12345678", "business_licence": licence_pdf()}
    data.update(overrides)
    return data


def link_in(message):
    """The first http(s) link in an email body."""
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def _register(user, code, name, verify_by=None):
    profile = enterprise_services.register_enterprise(
        user=user, name_zh=name, credit_code=code, legal_representative="法人", contact_name="联系人",
        contact_email=f"{user.username}@example.org", business_licence=licence_pdf(),
    )
    if verify_by:
        enterprise_services.verify_enterprise(user=verify_by, profile=profile)
    profile.refresh_from_db()
    return profile


@pytest.fixture
def enterprise_admin(make_user):
    return make_user("ent_admin")


@pytest.fixture
def enterprise_a(enterprise_admin, staff):
    return _register(enterprise_admin, CODE_A, "甲企业", verify_by=staff)


@pytest.fixture
def enterprise_member(make_user, enterprise_a, enterprise_admin):
    user = make_user("ent_member")
    organization_services.add_member(user=enterprise_admin, organization=enterprise_a.organization, member=user, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def other_admin(make_user):
    return make_user("other_ent_admin")


@pytest.fixture
def enterprise_b(other_admin, staff):
    return _register(other_admin, CODE_B, "乙企业", verify_by=staff)


@pytest.fixture
def pending_enterprise(make_user):
    return _register(make_user("applicant"), CODE_OTHER, "丙企业")


@pytest.fixture
def reviewer(make_user, staff, transport_bureau):
    """A department reviewer: reviews datasets of a bureau, not enterprises (not platform staff)."""
    from organizations.models import Membership
    from organizations.services import add_member

    user = make_user("reviewer")
    add_member(user=staff, organization=transport_bureau, member=user, role=Membership.Role.REVIEWER)
    return user
