"""The door sweep: every URL the URL configuration exposes, as every kind of outside viewer.

Datasets of every grade carry marker words in every field (identifier, title,
description, keyword, resource name, file cells, datastore rows, usage report,
application, contribution). Every pattern of the resolver is requested (GET, and
HEAD as two viewers; both languages) with its parameters filled by each object of
the matching kind, and with query parameters naming hidden datasets. A viewer must never see
a marker of a dataset hidden from it, in a body (archives and parquet decoded), a
header, or a count: the answers to the hidden-free questions are recorded before
the hidden datasets exist and must be the same after; a hidden object's URL must
answer exactly as a missing object's.

One conditional dataset is re-graded to restricted after it was indexed, with a
grant, an application, a usage report and a contribution, while the indexing
worker is down (the task is queued and never consumed): the index lags.
"""
import datetime
import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.utils import timezone

from access import services as access
from api_support import upload
from apikeys.models import ApiKey, Plan
from apikeys_support import issue, make_enterprise
from contributions.services import drafting
from datasets.services.lifecycle import create_dataset, publish_dataset, update_dataset
from datasets.services.resources import add_file_resource
from door_sweep_support import (
    EXCLUDED,
    body_bytes,
    doors,
    fillings,
    first_difference,
    header_text,
    normalized,
    readable,
    unechoed,
)
from evaluation import months
from evaluation import services as evaluation
from exchange.sitemaps import SITEMAPS
from searchstats.models import QueryStat
from organizations.models import Membership
from organizations.services import add_member
from portal.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Datasets by key; a dataset's markers start with zqm<key> (metadata) and zqd<key> (its data).
GRADES = {"open": ("open", "published"), "cond": ("conditional", "published"), "restr": ("restricted", "published"),
          "draft": ("open", "draft"), "regr": ("conditional", "published")}
HIDDEN = ("restr", "draft", "regr")  # from every outside viewer
NEVER_SHOWN = ("restr", "draft")  # created between the two rounds of the same questions
SHARED_HIDDEN_WORD = "zqhidall"  # a keyword of every hidden dataset
GHOST_ID = "zqghost-id"  # an identifier no dataset holds
EXPORT_FORMATS = ("csv", "json", "geojson", "xlsx", "parquet")
# Queries naming hidden datasets, asked on every pattern without path parameters. The parameters
# of one query all point at the same hidden dataset, so a view reading several still finds it.
# "门" begins every marker dataset's title (suggest and search match it in all of them).
QUERIES = [
    {"q": "门"},
    {"q": SHARED_HIDDEN_WORD, "dataset": "zqmregr-id", "identifier": "zqmregr-id", "keyword": SHARED_HIDDEN_WORD},
    {"dataset": "zqmrestr-id", "identifier": "zqmrestr-id", "open_grade": "restricted", "keyword": "zqmrestrtag"},
    {"q": "zqmdrafttitle", "dataset": "zqmdraft-id", "identifier": "zqmdraft-id", "state": "draft"},
]
# CKAN actions (exchange.ckan) name datasets in their own parameters: each asked with the hidden ones.
CKAN_CALLS = [
    "package_list", "package_list?include_private=true", "current_package_list_with_resources?limit=1000",
    *(f"package_show?id=zqm{key}-id" for key in ("open", "cond", "restr", "draft", "regr")),
    "package_search?rows=1000&facet.field=%5B%22tags%22%2C%22organization%22%2C%22res_format%22%5D",
    f"package_search?q={SHARED_HIDDEN_WORD}&include_private=true", "package_search?fq=tags:zqmrestrtag",
    "tag_list?all_fields=true", "organization_list?all_fields=true", "group_list?all_fields=true",
    "organization_show?id=transport-bureau&include_datasets=true", "group_show?id=transport", "status_show",
]
# Patterns that read no query parameter and embed no dataset: asked without queries only.
STATIC = {"api-schema": "the OpenAPI document (the slowest answer)", "api-docs": "the Swagger UI shell",
          "healthz": "service checks", "account_login": "allauth's login form (same view as login)"}
# Localized pages in English as the session viewers: pages do not read API keys (the keys ask them in Chinese).
ENGLISH_VIEWERS = ("anonymous", "citizen", "other_department_publisher")
HEAD_VIEWERS = ("anonymous", "key_granted")


def identifier(key):
    return f"zqm{key}-id"


def cells(key):
    return f"名称,数量,经度,纬度\nzqd{key}cell,1,121.47,31.23\nzqd{key}row2,2,121.48,31.24\n".encode()


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


class World:
    """Everything the sweep creates, through the services, and the viewers' clients."""

    VIEWERS = ("anonymous", "citizen", "other_department_publisher", "key_without_grant",
               "key_granted_without_data_scope", "key_granted")

    def __init__(self, capture, staff, publisher, other_publisher, citizen, transport_bureau, make_user):
        self.capture, self.staff, self.publisher, self.bureau = capture, staff, publisher, transport_bureau
        self.datasets, self.resources = {}, {}
        self.ent_admin_a, self.ent_admin_b = make_user("sweep_ent_a"), make_user("sweep_ent_b")
        self.ent_a = make_enterprise(self.ent_admin_a, staff, name="甲")
        self.ent_b = make_enterprise(self.ent_admin_b, staff, name="乙")
        self.reviewer = make_user("sweep_reviewer")
        add_member(user=staff, organization=transport_bureau, member=self.reviewer,
                   role=Membership.Role.REVIEWER)
        unlimited = Plan.objects.create(code="sweep-unlimited", name_zh="不限", burst_per_second=10**6,
                                        requests_per_minute=10**6, daily_quota=10**9)
        tokens = {
            "key_without_grant": issue(self.ent_admin_b, scopes=("catalog:read", "data:read"), organization=self.ent_b),
            "key_granted_without_data_scope": issue(self.ent_admin_a, scopes=("catalog:read",), organization=self.ent_a),
            "key_granted": issue(self.ent_admin_a, scopes=("catalog:read", "data:read"), organization=self.ent_a),
        }
        ApiKey.objects.update(plan=unlimited)
        self.viewers = {"anonymous": Client(raise_request_exception=False)}
        for name, user in (("citizen", citizen), ("other_department_publisher", other_publisher)):
            self.viewers[name] = Client(raise_request_exception=False)
            self.viewers[name].force_login(user)
        for name, answer in tokens.items():
            self.viewers[name] = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Api-Key {answer['token']}")
        self.grants, self.applications, self.reports, self.contributions = [], [], [], []

    def dataset(self, key):
        grade, state = GRADES[key]
        with self.capture(execute=True):
            dataset = create_dataset(user=self.publisher, organization=self.bureau, data={
                "identifier": identifier(key), "title": f"门 zqm{key}title", "description": f"说明 zqm{key}desc",
                "open_grade": grade, "licence": "cc-by-4.0", "themes": ["transport"],
                "keywords": [f"zqm{key}tag", *([SHARED_HIDDEN_WORD] if key in HIDDEN else [])],
            })
            resource = add_file_resource(user=self.publisher, dataset=dataset,
                                         uploaded=upload(f"zqm{key}file.csv", cells(key)),
                                         data={"name": f"zqm{key}res", "description": f"zqm{key}resdesc"})
            if state == "published":
                publish_dataset(user=self.publisher, dataset=dataset)
        self.datasets[key], self.resources[key] = dataset, resource
        return dataset

    def grant(self, key, enterprise, admin):
        dataset = self.datasets[key]
        with self.capture(execute=True):
            application = access.apply(user=admin, enterprise=enterprise, dataset=dataset, data={
                "purpose": f"zqm{key}purpose", "intended_use": f"zqm{key}use", "data_fields": "名称",
                "period_start": days(0), "period_end": days(90), "terms_accepted": True})
            grant = access.approve(user=self.reviewer, application=application, terms=f"zqm{key}terms",
                                   expires_on=days(30))
            report = access.file_usage_report(user=admin, grant=grant, data={
                "title": f"zqm{key}report", "description": f"zqm{key}reportdesc", "url": "https://example.org/r"})
        self.applications.append(application)
        self.grants.append(grant)
        self.reports.append(report)

    def pending_application(self, key):
        with self.capture(execute=True):
            self.applications.append(access.apply(
                user=self.ent_admin_b, enterprise=self.ent_b, dataset=self.datasets[key], data={
                    "purpose": f"zqm{key}pending", "intended_use": "研究", "data_fields": "名称",
                    "period_start": days(0), "period_end": days(90), "terms_accepted": True}))

    def contribution(self, key):
        with self.capture(execute=True):
            self.contributions.append(drafting.create(
                user=self.ent_admin_a, enterprise=self.ent_a, kind="new_resource",
                target={"dataset": identifier(key)}, metadata={"name": f"zqm{key}contrib"},
                uploaded=upload("contrib.csv", "名称,数量\n自有数据,1\n".encode()), message=f"zqm{key}message", submit=True))

    def regrade_while_the_index_lags(self, key):
        """Conditional -> restricted, its indexing task queued to a queue no worker consumes."""
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False
        try:
            with self.capture(execute=True):
                update_dataset(user=self.publisher, dataset=self.datasets[key],
                               data={"open_grade": "restricted"})
        finally:
            celery_app.conf.task_always_eager = eager

    # --- what fills each path parameter ------------------------------------------------

    def rules(self):
        ids = lambda objects: lambda: [(obj.pk, None) for obj in objects]  # noqa: E731
        datasets = lambda: [(identifier(key), key) for key in GRADES] + [(GHOST_ID, "ghost")]  # noqa: E731
        resources = lambda: [(r.pk, key) for key, r in self.resources.items()] + [(self.ghost_pk, "ghost")]  # noqa: E731
        organizations = lambda: [(org.slug, None) for org in (self.bureau, self.ent_a, self.ent_b)]  # noqa: E731
        enterprises = lambda: [(org.slug, None) for org in (self.ent_a, self.ent_b)]  # noqa: E731
        users = lambda: [(self.ent_admin_a.username, None), (self.reviewer.username, None)]  # noqa: E731
        keys = lambda: [(key.pk, None) for key in ApiKey.objects.all()]  # noqa: E731
        return [
            (r".*", "identifier", datasets),
            (r"(api-)?resource-.*|api-datastore-.*|datastore-export|resource-data", "resource_id", resources),
            (r"(api-)?resource-.*|resource-data", "pk", resources),
            (r"resource-version-download", "number", lambda: [(1, None), (2, None)]),
            (r"datastore-export", "fmt", lambda: [(fmt, None) for fmt in EXPORT_FORMATS]),
            (r"(api-)?access-application-.*", "pk", ids(self.applications)),
            (r"(api-)?access-grant-.*", "pk", ids(self.grants)),
            (r"api-access-usage-report-.*", "pk", ids(self.reports)),
            (r"(api-)?contribution-.*", "pk", ids(self.contributions)),
            (r"api(-)?key-.*", "pk", keys),
            (r"(api-)?organization-.*", "slug", organizations),
            (r"(api-)?quality-attention", "slug", organizations),
            (r"(api-)?enterprise-.*", "slug", enterprises),
            (r"(api-)?enterprise-.*member.*", "username", users),
            (r"search-synonym-.*", "pk", lambda: [(1, None)]),  # staff pages; no dataset behind them
            # Harvest sources and jobs: for staff and department admins; the sweep's world keeps none.
            (r"(api-)?harvest-.*", "pk", lambda: [(1, None)]),
            (r"ckan-action.*", "name", lambda: [(call, None) for call in CKAN_CALLS]),
            (r"theme-detail", "code", lambda: [("transport", None)]),
            (r"sitemap-section", "section", lambda: [(section, None) for section in SITEMAPS] + [("zqnosection", None)]),
            (r"site-page", "slug", lambda: [("about", None), ("terms", None)]),
            (r"(api-)?evaluation-.*organization", "slug", organizations),
            (r"evaluation(-staff)?-export", "fmt", lambda: [("csv", None), ("xlsx", None), ("zqnoformat", None)]),
            # Doors that embed no dataset: a value that matches nothing is enough to sweep them.
            (r"enterprise-invitation", "token", lambda: [("zqnotoken", None)]),
            (r"account_confirm_email", "key", lambda: [("zqnokey", None)]),
            (r"account_reset_password_from_key", "uidb36", lambda: [("zz", None)]),
            (r"account_reset_password_from_key", "key", lambda: [("zqnokey", None)]),
        ]

    @property
    def ghost_pk(self):
        return max(r.pk for r in self.resources.values()) + 1000


def hidden_markers(viewer):
    markers = [f"zq{part}{key}" for key in HIDDEN for part in ("m", "d")] + [SHARED_HIDDEN_WORD]
    if viewer != "key_granted":
        markers.append("zqdcond")
    return markers


class Sweep:
    """Requests, leak checks, and what each viewer answered; leaks are collected, not raised."""

    def __init__(self, world):
        self.world, self.seen, self.requests, self.urls = world, {}, 0, set()
        self._leaks = {}  # ordered, each once
        self._ghosts = {}

    def ask(self, viewer, url, params=None, echoes=(), method="get"):
        response = getattr(self.world.viewers[viewer], method)(url, params or {})
        self.requests += 1
        self.urls.add(url)
        text, headers = readable(body_bytes(response)), header_text(response)
        where = f"{method.upper()} {url}" + (f"?{urlencode(params)}" if params else "")
        if response.status_code >= 500:
            self.leak(f"{viewer}: {where} answered {response.status_code}")
        echoes = {str(e).lower() for e in [*echoes, *(params or {}).values()]}
        echoes |= {url.lower(), url.lower().removeprefix("/en"), quote(url).lower()}
        clean_text, clean_headers = text, headers
        for echo in sorted(echoes, key=len, reverse=True):
            clean_text, clean_headers = unechoed(clean_text, echo), unechoed(clean_headers, echo)
        for marker in hidden_markers(viewer):
            for part, content in (("body", clean_text), ("headers", clean_headers)):
                if marker in content:
                    at = content.index(marker)
                    self.leak(f"{viewer}: {where} shows {marker!r} in its {part}: "
                                      f"...{content[max(0, at - 60):at + 40]!r}")
        self._check_count(viewer, where, response, text)
        self.seen.setdefault(viewer, set()).update(
            stem for stem in ("zqmopen", "zqdopen", "zqmcond", "zqdcond") if stem in clean_text)
        return normalized(response.status_code, text, headers, echoes)

    @property
    def leaks(self):
        return list(self._leaks)

    def leak(self, text):
        self._leaks[text] = None

    def ghost(self, viewer, url, echoes):
        if (viewer, url) not in self._ghosts:
            self._ghosts[viewer, url] = self.ask(viewer, url, echoes=echoes)
        return self._ghosts[viewer, url]

    def _check_count(self, viewer, where, response, text):
        """A one-page JSON list counts what it lists (a total counting hidden datasets would not)."""
        if not response.get("Content-Type", "").startswith("application/json"):
            return
        try:
            body = json.loads(text)
        except ValueError:
            return
        if isinstance(body, dict) and isinstance(body.get("results"), list) and isinstance(body.get("count"), int):
            one_page = not body.get("next") and body.get("page", 1) == 1 and body["count"] <= body.get("page_size", 10**6)
            if one_page and body["count"] != len(body["results"]):
                self.leak(f"{viewer}: {where} counts {body['count']} but lists {len(body['results'])}")

    def compare(self, viewer, where, expected, answer, why):
        if expected != answer:
            text = 1 if expected[1] != answer[1] else 2
            self.leak(f"{viewer}: {where} {why}: {expected[0]} vs {answer[0]}; "
                              f"{first_difference(expected[text], answer[text])}")


@pytest.fixture
def world(django_capture_on_commit_callbacks, staff, publisher, other_publisher, citizen, transport_bureau,
          make_user):
    return World(django_capture_on_commit_callbacks, staff, publisher, other_publisher, citizen, transport_bureau,
                 make_user)


def test_no_door_shows_a_hidden_dataset(world):
    assert set(world.viewers) == set(World.VIEWERS)
    found, excluded = doors()
    assert excluded == set(EXCLUDED), f"excluded patterns no longer in the URL configuration: {set(EXCLUDED) - excluded}"
    assert set(STATIC) <= {door.name for door in found}, "a STATIC pattern is gone: update the list"

    # Before the never-shown datasets exist: the answers they must not change (totals, facets,
    # suggestions). The re-graded one exists already: the viewers' own grants, applications and
    # contributions about it were made while it was conditional; the markers must not show.
    world.dataset("open")
    world.dataset("cond")
    world.grant("cond", world.ent_a, world.ent_admin_a)
    world.pending_application("cond")
    world.dataset("regr")
    world.grant("regr", world.ent_a, world.ent_admin_a)
    world.contribution("regr")
    world.regrade_while_the_index_lags("regr")
    # The evaluation's snapshot, taken again at the same moment once the hidden datasets exist: no public
    # figure of it may change (staff figures do, behind doors these viewers cannot open).
    evaluated_at = timezone.now()
    QueryStat.objects.all().delete()  # both snapshots count no search: the sweep's own would differ
    evaluation.take_snapshot(months.current(), now=evaluated_at)
    sweep = Sweep(world)
    questions = stable_questions(found)
    before = {question: sweep.ask(question[0], question[1], dict(question[2])) for question in questions}

    for key in NEVER_SHOWN:
        world.dataset(key)
    QueryStat.objects.all().delete()
    evaluation.take_snapshot(months.current(), now=evaluated_at)

    for question, expected in before.items():
        viewer, url, params = question
        sweep.compare(viewer, url + (f"?{urlencode(params)}" if params else ""), expected,
                      sweep.ask(viewer, url, dict(params)), "answers differently once hidden datasets exist")
    for viewer in HEAD_VIEWERS:
        for door in found:
            if not door.params:
                sweep.ask(viewer, door.url({}), method="head")
    rules = world.rules()
    for door in found:
        if door.params:
            sweep_door(sweep, world, door, fillings(door, rules))

    assert sweep.seen.get("anonymous", set()) >= {"zqmopen", "zqdopen", "zqmcond"}, sweep.seen
    assert "zqdcond" in sweep.seen.get("key_granted", set()), "the granted key never read the conditional data"
    print(f"door sweep: {len(found)} patterns swept, {len(excluded)} excluded {sorted(excluded)}; "
          f"{len(sweep.urls)} URLs, {sweep.requests} requests, {len(world.viewers)} viewers")
    assert not sweep.leaks, f"{len(sweep.leaks)} leaks:\n" + "\n".join(sweep.leaks)


def languages(door):
    return ("", "en") if door.localized else ("",)


def stable_questions(found):
    """(viewer, url, params) asked before and after the hidden datasets exist: every pattern without
    path parameters, in both languages, and with every query naming a hidden dataset."""
    questions = []
    for door in found:
        if door.params:
            continue
        for language in languages(door):
            viewers = ENGLISH_VIEWERS if language else list(World.VIEWERS)
            questions += [(viewer, door.url({}, language), ()) for viewer in viewers]
        if door.name not in STATIC:
            questions += [(viewer, door.url({}), tuple(query.items())) for viewer in World.VIEWERS for query in QUERIES]
    return questions


def sweep_door(sweep, world, door, combinations):
    """Every filling of a pattern with parameters; a hidden object's URL must answer as a missing one's."""
    for filling in combinations:
        values = {param: value for param, (value, _tag) in filling.items()}
        ghost_values = {param: (GHOST_ID if isinstance(value, str) else world.ghost_pk) if tag in HIDDEN else value
                        for param, (value, tag) in filling.items()}
        hidden = ghost_values != values
        for language in languages(door):
            url = door.url(values, language)
            for viewer in ENGLISH_VIEWERS if language else World.VIEWERS:
                answer = sweep.ask(viewer, url, echoes=values.values())
                if viewer in HEAD_VIEWERS and not language:
                    sweep.ask(viewer, url, echoes=values.values(), method="head")
                if hidden:
                    ghost = door.url(ghost_values, language)
                    sweep.compare(viewer, url, sweep.ghost(viewer, ghost, ghost_values.values()), answer,
                                  f"answers unlike the missing {ghost}")
