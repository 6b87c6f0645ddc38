"""Fixtures of the harvest page and API tests: department admins and a data.json source."""
import pytest

from harvest.services.sources import save_source
from organizations.models import Membership
from organizations.services import add_member

SOURCE_DATA = {"name": "交通委 data.json", "kind": "data-json", "url": "http://127.0.0.1:9/data.json",
               "organization": "transport-bureau", "schedule": "manual"}


@pytest.fixture
def org_admin(make_user, staff, transport_bureau):
    user = make_user("transport_admin")
    add_member(user=staff, organization=transport_bureau, member=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def other_admin(make_user, staff, eco_bureau):
    user = make_user("eco_admin")
    add_member(user=staff, organization=eco_bureau, member=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def source(org_admin):
    return save_source(user=org_admin, data=dict(SOURCE_DATA))
