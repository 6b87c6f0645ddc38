"""Shared fixtures: people in every role and datasets of every grade.

Everything is created through the public services, the way the portal itself
creates it, so fixtures never bypass a rule the tests are checking.
"""
import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from datasets.models import Dataset
from organizations.models import Membership, Organization
from datasets.services.lifecycle import archive_dataset, create_dataset, publish_dataset
from organizations.services import add_member, save_organization
from datasets.services.resources import add_file_resource

from api_support import upload


def pytest_collection_modifyitems(items):
    """Every transactional test restores what migrations seeded (themes, licences, plans, system users).

    A transactional test empties every table when it ends; without this, the
    tests after it would run without the controlled vocabularies.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (
            "transactional_db" in item.fixturenames or "live_server" in item.fixturenames
            or (marker is not None and marker.kwargs.get("transaction"))
        )
        if transactional and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.fixture
def make_user(django_user_model):
    """A user with a verified email (username@example.org): login requires one (allauth, mandatory verification)."""
    def make(username, **extra):
        extra.setdefault("email", f"{username}@example.org")
        user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user
    return make


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True, is_superuser=True)


@pytest.fixture
def citizen(make_user):
    return make_user("citizen")


@pytest.fixture
def make_org(staff):
    def make(slug, kind=Organization.Kind.GOVERNMENT, name_zh=None, name_en=""):
        return save_organization(
            user=staff, data={"slug": slug, "kind": kind, "name_zh": name_zh or slug, "name_en": name_en}
        )
    return make


@pytest.fixture
def transport_bureau(make_org):
    return make_org("transport-bureau", name_zh="市交通委员会", name_en="Municipal Transport Commission")


@pytest.fixture
def eco_bureau(make_org):
    return make_org("eco-bureau", name_zh="市生态环境局", name_en="Municipal Ecology Bureau")


@pytest.fixture
def publisher(make_user, staff, transport_bureau):
    user = make_user("publisher")
    add_member(user=staff, organization=transport_bureau, member=user, role=Membership.Role.PUBLISHER)
    return user


@pytest.fixture
def other_publisher(make_user, staff, eco_bureau):
    user = make_user("other_publisher")
    add_member(user=staff, organization=eco_bureau, member=user, role=Membership.Role.PUBLISHER)
    return user


@pytest.fixture
def make_dataset(publisher, transport_bureau):
    """make_dataset("id", open_grade=..., state=..., with_file=True, **fields)."""
    def make(identifier, *, open_grade="open", state=Dataset.State.PUBLISHED, with_file=True,
             user=None, organization=None, **fields):
        user = user or publisher
        organization = organization or transport_bureau
        data = {"identifier": identifier, "title": fields.pop("title", f"数据集 {identifier}"),
                "open_grade": open_grade, "licence": fields.pop("licence", "cc-by-4.0"),
                "themes": fields.pop("themes", ["transport"]), **fields}
        dataset = create_dataset(user=user, organization=organization, data=data)
        if with_file:
            add_file_resource(user=user, dataset=dataset, uploaded=upload(f"{identifier}.csv"))
        if state == Dataset.State.PUBLISHED:
            publish_dataset(user=user, dataset=dataset)
        elif state == Dataset.State.ARCHIVED:
            publish_dataset(user=user, dataset=dataset)
            archive_dataset(user=user, dataset=dataset)
        dataset.refresh_from_db()
        return dataset
    return make


@pytest.fixture
def graded_datasets(make_dataset):
    """One published dataset of each grade, plus a draft, all owned by the transport bureau."""
    return {
        "open": make_dataset("bus-routes", open_grade="open", title="公交线路 Bus routes"),
        "conditional": make_dataset("taxi-trips", open_grade="conditional", title="出租车行程 Taxi trips"),
        "restricted": make_dataset("signal-control", open_grade="restricted", title="信号控制 Signal control"),
        "draft": make_dataset("draft-counts", open_grade="open", state=Dataset.State.DRAFT, title="草稿 Draft counts"),
    }


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return make



CHROMIUM = "/usr/bin/chromium"
# Headless and offline: without the networking flags Chromium keeps dialling out of the closed sandbox.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """A real Chromium (Debian's, driven by Playwright) for browser tests.

    Playwright's sync API runs an event loop in this thread while the test's ORM
    calls stay synchronous, so Django's async-safety check is lifted for this
    test only (never for the subprocesses other tests start).
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
