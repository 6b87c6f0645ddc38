"""Shared fixtures: people in every role, datasets of every grade and the search tests' seed catalog.

Everything is created through the public services, the way the portal itself
creates it, so fixtures never bypass a rule the tests are checking.

The fixtures of each area live in its *_support module, registered below as a
plugin so every test module can ask for them by name (their plain helpers are
imported as usual); tests/search and tests/search_ui add their own conftest.py.
"""
import pytest
from allauth.account.models import EmailAddress
from api_support import upload
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import translation
from rest_framework.test import APIClient

from datasets.models import Dataset
from datasets.services.lifecycle import archive_dataset, create_dataset, publish_dataset
from datasets.services.resources import add_file_resource, add_url_resource
from organizations.models import Membership, Organization
from organizations.services import add_member, save_organization

# pytest allows pytest_plugins only in this top-level conftest.
pytest_plugins = ["enterprise_support", "apikeys_support", "access_support", "contributions_support", "fuzz_support",
                  "harvest_pages_support"]


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
        if not transactional:
            continue
        if "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")
        if marker is not None and not marker.kwargs.get("serialized_rollback"):
            # pytest-django serializes the seeded rows at setup only if a marker or a fixture asks for it,
            # and reads a marker's kwargs before the fixture: a run of such tests alone would keep nothing.
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)
        item.fixturenames.insert(0, "seeded_rows_restored_afterwards")  # first set up, so last torn down


@pytest.fixture
def seeded_rows_restored_afterwards(django_db_blocker):
    """Puts the seeded rows back after a transactional test's closing flush.

    Django restores them only when the next transactional test starts, which is enough when every
    transactional test runs after the others (pytest-django's order). Under pytest -n --dist loadfile
    (scripts/test.sh) a worker runs file after file, so one file's plain tests may follow another's
    transactional ones and would find the vocabularies gone.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            seeded = getattr(connection, "_test_serialized_contents", None)
            if seeded:
                connection.creation.deserialize_db_from_string(seeded)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request under /en/ leaves English active in the thread
    (LocaleMiddleware activates it and nothing resets it), which a later test's mail or message would use."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit and login-failure counters live in the cache (this run's own Redis database): each test
    starts from zero."""
    cache.clear()
    yield
    cache.clear()


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
def make_seed_catalog(make_dataset, other_publisher, eco_bureau):
    """make_seed_catalog() -> {identifier: dataset}: the search tests' catalog, not yet indexed.

    Every grade and state in two organizations (transport bureau: publisher; eco bureau:
    other_publisher), with the text features search must find: Chinese and English titles,
    descriptions, keywords, themes, region, coverage, bounding boxes, formats, column names.
    The caller indexes it: by a rebuild, or by running the on-commit callbacks of its creation.
    """
    def make():
        def eco(identifier, **fields):
            return make_dataset(identifier, user=other_publisher, organization=eco_bureau, **fields)

        made = [
            make_dataset(
                "bus-routes", title="公交线路 Bus routes", description="全市公交线路与站点 timetable",
                keywords=["公交", "线路"], themes=["transport-public"], update_frequency="monthly",
                temporal_start="2020-01-01", temporal_end="2020-12-31", spatial_bbox=[121.0, 31.0, 121.5, 31.5],
                spatial_region="浦东新区",
            ),
            make_dataset(
                "metro-ridership", title="地铁客流 Metro ridership", description="每日进出站客流",
                keywords=["地铁", "客流"], themes=["transport-public"], update_frequency="daily",
                temporal_start="2022-01-01", spatial_bbox=[121.2, 31.1, 121.8, 31.4], licence="cc0-1.0",
            ),
            make_dataset(
                "parking-lots", open_grade="conditional", title="停车场 Parking lots",
                description="靠近公交站点的停车场泊位", keywords=["停车"], themes=["transport-parking"],
                licence="gov-open-data",
            ),
            make_dataset("signal-control", open_grade="restricted", title="信号控制 Signal control",
                         keywords=["公交", "信号"]),
            make_dataset("draft-counts", state=Dataset.State.DRAFT, title="公交草稿 Draft counts", keywords=["公交"]),
            make_dataset("old-routes", state=Dataset.State.ARCHIVED, title="公交旧线路 Old routes", keywords=["公交"]),
            eco("eco-secret", open_grade="restricted", title="污染源 Pollution sources", keywords=["公交"],
                themes=["environment"]),
        ]
        air = eco("air-quality", state=Dataset.State.DRAFT, with_file=False, title="空气质量 Air quality",
                  description="各站点 PM2.5 小时浓度", keywords=["PM2.5", "空气"], themes=["environment-air"],
                  update_frequency="realtime", spatial_region="浦东新区")
        add_file_resource(
            user=other_publisher, dataset=air,
            uploaded=SimpleUploadedFile("air.csv", b"station_code,pm25\nA01,35\n", content_type="text/csv"),
            data={"name": "小时浓度", "table_schema": {"fields": [{"name": "station_code", "title": "监测站"}]}},
        )
        add_url_resource(user=other_publisher, dataset=air, data={"url": "https://example.org/air.json"},
                         claimed_format="json")
        publish_dataset(user=other_publisher, dataset=air)
        made.append(air)
        return {dataset.identifier: Dataset.objects.get(pk=dataset.pk) for dataset in made}
    return make


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


def _chromium(monkeypatch):
    """Launch Debian's Chromium through Playwright; yields the browser.

    Playwright's sync API runs an event loop in this thread while the test's ORM
    calls stay synchronous, so Django's async-safety check is lifted while the
    browser runs (never for the subprocesses other tests start).
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser(monkeypatch):
    """A real Chromium for one browser test."""
    yield from _chromium(monkeypatch)


@pytest.fixture(scope="module")
def module_browser():
    """One Chromium for all the tests of a module (the screenshot tests visit dozens of pages)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from _chromium(monkeypatch)
