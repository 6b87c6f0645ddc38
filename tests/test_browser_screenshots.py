"""A screenshot of every key page, in Chinese and English, at a desktop and a phone width.

Each visit also checks what a visitor would notice: no console error or uncaught script
error, no same-origin request that failed, nothing wider than the window, and on /en/ no
Chinese text outside an element marked lang="zh-…" (Chinese metadata shown as a fallback
and Chinese user data are marked so; anything else is an untranslated message id).

The screenshots go to $PORTAL_SCREENSHOTS_DIR (default test-artifacts/screenshots/ in the
repository, git-ignored), one file per page, language and width: home-en-phone.png.

For speed the whole module shares one demo (load_demo), one server and one browser. The
demo is loaded and the visitors signed in before any test's transaction; at the end the
database is emptied and what the migrations seeded is put back, as a transactional test
leaves it.
"""
import os
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from datasets.models import Dataset, OpenGrade, Resource

# Each test runs in a transaction of its own that sees the demo and is rolled back; the server's
# thread writes (keys issued) in its own connection, removed with the demo at the end.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS_DIR") or ROOT / "test-artifacts" / "screenshots")

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"zh": "", "en": "/en"}
TABULAR_DATASET = "demo-aqi-levels"  # its CSV is the tabular preview (chart and table)


# --- One demo, one server, one browser -----------------------------------------------------------

VISITORS = ("admin", "reviewer", "enterprise-admin")


@dataclass
class DemoSite:
    url: str
    browser: object
    paths: dict
    sessions: dict

    def session_cookie(self, username):
        """A signed-in session of `username` (signing in at /accounts/login/ is the demo tests' concern)."""
        return {"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[username], "url": self.url}


def _signed_in_sessions():
    sessions = {}
    for username in VISITORS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _preview_paths():
    """The tabular preview of TABULAR_DATASET and the GeoJSON preview of the demo's open geographic dataset."""
    tabular = Resource.objects.filter(dataset__identifier=TABULAR_DATASET, kind=Resource.Kind.FILE,
                                      format__iexact="csv").order_by("position").first()
    geojson = Resource.objects.get(kind=Resource.Kind.FILE, format__iexact="geojson",
                                   dataset__state=Dataset.State.PUBLISHED, dataset__open_grade=OpenGrade.OPEN)
    return {"tabular": f"/resources/{tabular.pk}/data/", "geojson": f"/resources/{geojson.pk}/data/"}


@pytest.fixture(scope="module")
def site(module_browser, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seeded = connection.creation.serialize_db_to_string()
        try:
            call_command("load_demo", stdout=StringIO())
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield DemoSite(url=server.url, browser=module_browser, paths=_preview_paths(),
                               sessions=_signed_in_sessions())
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)  # the restored rows keep their ids; new ones must not collide
            connection.creation.deserialize_db_from_string(seeded)
            connection.close()  # opened in Playwright's context, which the test database's teardown never sees


# --- What every visit checks ---------------------------------------------------------------------

# A short CSS path for an element: up to three ancestors, each tag#id.class.
DESCRIBE_ELEMENT = """
function describe(element) {
  const parts = [];
  for (let node = element; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
    let part = node.tagName.toLowerCase();
    if (node.id) { part += "#" + node.id; }
    else if (node.classList.length) { part += "." + Array.from(node.classList).slice(0, 2).join("."); }
    parts.unshift(part);
    if (node.id || node.tagName === "BODY") { break; }
  }
  return parts.join(" > ");
}
"""

# The widest elements that make the page scroll sideways: those no ancestor clips (a table in a
# scrolling wrapper is fine, but not an absolutely positioned element whose containing block is
# outside the wrapper), deepest first at equal width.
WIDEST_OFFENDERS = """
(limit) => {
""" + DESCRIBE_ELEMENT + """
  const clipped = (node) => {
    let position = getComputedStyle(node).position;
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (position === "fixed") { return false; }
      const style = getComputedStyle(up);
      if (position === "absolute" && style.position === "static") { continue; }  // not its containing block
      if (style.overflowX !== "visible") { return true; }
      position = style.position;
    }
    return false;
  };
  const depth = (node) => { let d = 0; for (; node; node = node.parentElement) { d++; } return d; };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 0.5 && !clipped(element)) {
      found.push({element, right: Math.round(box.right + window.scrollX), width: Math.round(box.width)});
    }
  }
  found.sort((a, b) => b.right - a.right || depth(b.element) - depth(a.element));
  return found.slice(0, 5).map(f => `${describe(f.element)} (right edge ${f.right}px, width ${f.width}px)`);
}
"""

# Text and the attributes people read (labels, placeholders, titles) that contain Chinese
# characters or full-width punctuation, outside an element whose nearest lang is zh-….
UNTRANSLATED = """
() => {
""" + DESCRIBE_ELEMENT + """
  const chinese = /[\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
  const marked = (element) => {
    const holder = element.closest("[lang]");
    return holder !== null && holder.lang.toLowerCase().startsWith("zh");
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const element = text.parentElement;
    if (chinese.test(text.data) && !["SCRIPT", "STYLE"].includes(element.tagName) && !marked(element)) {
      found.push(`${describe(element)}: "${text.data.trim().slice(0, 80)}"`);
    }
  }
  for (const name of ["aria-label", "placeholder", "title", "alt", "value"]) {
    for (const element of document.body.querySelectorAll(`[${name}]`)) {
      const value = element.getAttribute(name);
      const read = name !== "value" || (element.tagName === "INPUT" && ["submit", "button"].includes(element.type));
      if (read && chinese.test(value) && !marked(element)) {
        found.push(`${describe(element)} [${name}]: "${value.slice(0, 80)}"`);
      }
    }
  }
  return found;
}
"""


class Watch:
    """What went wrong on a page while it loaded: console errors, script errors, failed requests."""

    def __init__(self, page, origin):
        self.problems = []
        same_origin = lambda url: urlsplit(url).netloc == urlsplit(origin).netloc  # noqa: E731
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"console error: {message.text} (at {message.location.get('url', '?')})"))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: same_origin(request.url) and self.problems.append(
            f"request failed: {request.method} {request.url} ({request.failure})"))
        page.on("response", lambda response: same_origin(response.url) and response.status >= 400
                and self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}"))


def layout_and_language_problems(page, language):
    problems = []
    scroll_width, window_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > window_width:
        offenders = page.evaluate(WIDEST_OFFENDERS, window_width)
        problems.append(f"horizontal overflow: page {scroll_width}px wide in a {window_width}px window; widest: "
                        + "; ".join(offenders))
    if language == "en":
        untranslated = page.evaluate(UNTRANSLATED)
        problems += [f"untranslated: {item}" for item in untranslated[:20]]
        if len(untranslated) > 20:
            problems.append(f"… and {len(untranslated) - 20} more untranslated texts")
    return problems


# --- The pages -----------------------------------------------------------------------------------

@dataclass
class Visit:
    page: object
    site: DemoSite
    prefix: str  # "" (Chinese, the default) or "/en"

    def go(self, path, as_user=None):
        if as_user:
            self.page.context.add_cookies([self.site.session_cookie(as_user)])
        self.page.goto(f"{self.site.url}{self.prefix}{path}", wait_until="networkidle")


def preview_with_chart(visit):
    visit.go(visit.site.paths["tabular"])
    expect(visit.page.locator("[data-role='chart']")).to_have_attribute("data-points", re.compile(r"^[1-9]"))
    expect(visit.page.locator("[data-role='table'] tbody tr").first).to_be_visible()


def preview_with_map(visit):
    visit.go(visit.site.paths["geojson"])
    expect(visit.page.locator("[data-role='map']")).to_have_attribute("data-features", re.compile(r"^[1-9]"))


def key_issued(visit):
    visit.go("/keys/new/", as_user="enterprise-admin")
    form = visit.page.locator("main form[method='post']")
    form.locator("[name='name']").fill("screenshot key")
    form.locator("select[name='organization']").select_option(index=1)  # the enterprise, not a personal key
    form.locator("[name='scopes'][value='catalog:read']").check()
    with visit.page.expect_navigation(wait_until="networkidle"):
        form.locator("button[type='submit']").click()
    expect(visit.page.locator("main")).to_contain_text(re.compile(r"cdp_\w+"))  # the new key's prefix


def search(query, finds):
    def visit_search(visit):
        visit.go(f"/search/?q={query}")
        links = visit.page.locator(f"main a[href$='/datasets/{TABULAR_DATASET}/']")
        expect(links.first).to_be_visible() if finds else expect(links).to_have_count(0)
    return visit_search


PAGES = {
    "home": lambda visit: visit.go("/"),
    "search-results": search("AQI", finds=True),
    "search-empty": search("zqxj-matches-nothing", finds=False),
    "dataset": lambda visit: visit.go(f"/datasets/{TABULAR_DATASET}/"),
    "preview-chart": preview_with_chart,
    "preview-map": preview_with_map,
    "keys": lambda visit: visit.go("/keys/", as_user="enterprise-admin"),
    "key-issued": key_issued,
    "access-review": lambda visit: visit.go("/access/review/", as_user="reviewer"),
    "contributions-review": lambda visit: visit.go("/contributions/review/", as_user="reviewer"),
    "enterprise-review": lambda visit: visit.go("/enterprises/review/", as_user="admin"),
}


def _cases():
    for name in PAGES:
        for language in LANGUAGES:
            for width in WIDTHS:
                yield pytest.param(name, language, width, id=f"{name}-{language}-{width}")


@pytest.mark.parametrize("name, language, width", list(_cases()))
def test_key_page(site, name, language, width):
    context = site.browser.new_context(viewport=WIDTHS[width])
    try:
        page = context.new_page()
        watch = Watch(page, site.url)
        PAGES[name](Visit(page, site, LANGUAGES[language]))
        problems = watch.problems + layout_and_language_problems(page, language)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)
    finally:
        context.close()
    assert not problems, f"{name}, {language}, {width} ({page.url}):\n  " + "\n  ".join(problems)
