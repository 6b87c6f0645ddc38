"""Helpers of the access tests: people on both sides of an application, keys, and the calls they make.

Enterprises, members and the department reviewer come from enterprise_support
(created through enterprises.services); keys are issued over HTTP (apikeys_support).
"""
import datetime

import pytest
from django.utils import timezone

from apikeys_support import issue, session_client
from organizations.models import Membership
from organizations.services import add_member

APPLICATIONS = "/api/v1/access/applications/"
GRANTS = "/api/v1/access/grants/"
REPORTS = "/api/v1/access/usage-reports/"
AUDIT = "/api/v1/access/audit/"


def today():
    return timezone.localdate()


def days(n):
    return (today() + datetime.timedelta(days=n)).isoformat()


def application_body(enterprise, dataset, /, **overrides):
    body = {
        "enterprise": enterprise.slug, "dataset": dataset.identifier, "purpose": "交通出行研究",
        "intended_use": "在内网服务器上统计分析，不对外提供原始数据", "data_fields": "上车时间, 下车时间",
        "period_start": days(0), "period_end": days(90), "terms_accepted": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def other_reviewer(make_user, staff, eco_bureau):
    """A reviewer of another department (the ecology bureau)."""
    user = make_user("eco_reviewer")
    add_member(user=staff, organization=eco_bureau, member=user, role=Membership.Role.REVIEWER)
    return user


@pytest.fixture
def conditional(graded_datasets):
    return graded_datasets["conditional"]


@pytest.fixture
def apply_as(django_capture_on_commit_callbacks):
    """apply_as(user, enterprise, dataset, **overrides) -> the API response (on-commit work run)."""
    def apply(user, enterprise, dataset, /, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return session_client(user).post(APPLICATIONS, application_body(enterprise, dataset, **overrides),
                                              format="json")
    return apply


@pytest.fixture
def post_as(django_capture_on_commit_callbacks):
    """post_as(user, url, body) -> the API response, with the e-mails of the step sent."""
    def post(user, url, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            return session_client(user).post(url, body or {}, format="json")
    return post


@pytest.fixture
def granted(enterprise_a, enterprise_admin, reviewer, conditional, apply_as, post_as):
    """Enterprise A's approved application for the conditional dataset: (application, grant) as JSON."""
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    approved = post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/",
                       {"terms": "仅限研究使用", "expires_on": days(30)})
    assert approved.status_code == 200, approved.content
    grant = session_client(enterprise_admin).get(f"{GRANTS}{approved.json()['grant']}/").json()
    return approved.json(), grant


@pytest.fixture
def data_key(enterprise_a, enterprise_admin):
    """A token of enterprise A's key with catalog:read and data:read."""
    return issue(enterprise_admin, scopes=("catalog:read", "data:read"), organization=enterprise_a.organization,
                 name="数据密钥")["token"]
