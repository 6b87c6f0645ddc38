"""manage.py load_demo: a real, idempotent demo every role can sign into, needing nothing outside the repo."""
import hashlib
import re
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import Client

import datasets
from contributions.models import Contribution, Status
from datasets.models import Resource

DEMO_FILES = Path(datasets.__file__).resolve().parent / "demo"
LOGINS = {
    "admin": "admin-demo-2026",
    "transport-publisher": "publisher-demo-2026",
    "reviewer": "reviewer-demo-2026",
    "citizen": "citizen-demo-2026",
    "enterprise-admin": "enterprise-demo-2026",
}
TOKEN = re.compile(r"cdp_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}")


@pytest.fixture
def load_demo(django_capture_on_commit_callbacks):
    """Run the command as a shell would: its on-commit work (indexing, table loads) runs too."""
    def run():
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", stdout=out)
        return out.getvalue()
    return run


def listed(client, **params):
    return client.get("/api/v1/datasets/", params).json()


@pytest.fixture
def demo(db, load_demo):
    return load_demo()


def sign_in(username, password, login=None):
    client = Client()
    response = client.post("/accounts/login/", {"login": login or username, "password": password})
    return client, response


def test_a_second_run_changes_nothing(demo, load_demo, api_as, django_user_model):
    for username, password in LOGINS.items():
        assert f"{username} / {password}" in demo
    admin = django_user_model.objects.get(username="admin")
    staff_api = api_as(admin)
    before = staff_api.get("/api/v1/datasets/", {"page_size": 100}).json()
    second = load_demo()
    assert "0 datasets created" in second
    for username, password in LOGINS.items():  # every login printed again, with what to try
        assert f"{username} / {password}" in second
    assert second.count("try:") >= len(LOGINS)
    after = staff_api.get("/api/v1/datasets/", {"page_size": 100}).json()
    assert before == after
    identifiers = [item["identifier"] for item in after["results"]]
    assert all(0 < item["metadata_score"] <= 100 for item in after["results"])  # every score filled
    assert len(identifiers) == len(set(identifiers)) == after["count"] == 13  # published only, no duplicates
    for identifier in ("demo-school-stages", "demo-holidays-2024"):  # the draft and the archived one
        assert staff_api.get(f"/api/v1/datasets/{identifier}/").status_code == 200
    organizations = staff_api.get("/api/v1/organizations/").json()
    slugs = [org["slug"] for org in organizations.get("results", organizations)]
    assert len(slugs) == len(set(slugs)) == 7 and "demo-metro-operator" in slugs
    assert django_user_model.objects.filter(username__in=LOGINS).count() == len(LOGINS)


def test_every_demo_account_signs_in_at_the_login_page_without_a_verification_step(demo):
    for username, password in LOGINS.items():
        client, response = sign_in(username, password)
        assert response.status_code == 302 and "confirm-email" not in response["Location"], username
        assert client.session.get("_auth_user_id"), username
    client, response = sign_in("reviewer", LOGINS["reviewer"], login="reviewer@demo.example.org")
    assert response.status_code == 302 and client.session.get("_auth_user_id")
    _client, wrong = sign_in("citizen", "not-the-password")
    assert wrong.status_code == 200


def test_a_citizen_that_existed_before_is_kept_not_reset_nor_duplicated(db, load_demo, django_user_model):
    django_user_model.objects.create_user(username="citizen", password="my-own-password-1")
    first = load_demo()
    second = load_demo()
    assert django_user_model.objects.filter(username="citizen").count() == 1
    citizen = django_user_model.objects.get(username="citizen")
    assert citizen.check_password("my-own-password-1") and not citizen.check_password(LOGINS["citizen"])
    for out in (first, second):
        assert "citizen / (password set before the demo; unchanged)" in out
        assert "citizen / citizen-demo-2026" not in out
    assert sign_in("citizen", LOGINS["citizen"])[0].session.get("_auth_user_id") is None
    client, response = sign_in("citizen", "my-own-password-1")  # given the demo's verified address, it signs in
    assert response.status_code == 302 and client.session.get("_auth_user_id")
    assert citizen.email == "citizen@demo.example.org"


def test_a_kept_account_keeps_its_own_e_mail_address(db, load_demo, make_user, django_user_model):
    make_user("reviewer")  # reviewer@example.org, verified, password pw-reviewer
    out = load_demo()
    reviewer = django_user_model.objects.get(username="reviewer")
    assert reviewer.email == "reviewer@example.org" and reviewer.check_password("pw-reviewer")
    assert list(reviewer.emailaddress_set.values_list("email", flat=True)) == ["reviewer@example.org"]
    assert "reviewer / (password set before the demo; unchanged)" in out
    assert "Accounts already there, kept as they are: reviewer." in out


def test_the_api_key_reaches_the_granted_conditional_data_and_nothing_restricted(demo, load_demo, api):
    tokens = TOKEN.findall(demo)
    assert len(tokens) == 1  # printed in full once, when issued
    token = tokens[0]
    again = load_demo()
    assert not TOKEN.search(again) and token.split(".")[0] in again and "/keys/" in again
    body = api.get("/api/v1/datasets/demo-immunization-schedule/").json()
    table = next(r for r in body["resources"] if r["kind"] == "file")
    rows = f"/api/v1/resources/{table['id']}/rows/"
    assert api.get(rows).status_code in (401, 403)
    assert api.get(table["download_url"]).status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    answer = api.get(rows)
    assert answer.status_code == 200, answer.content
    assert "乙肝疫苗" in b"".join(answer.streaming_content).decode()
    assert api.get(table["download_url"]).status_code == 200
    assert api.get("/api/v1/datasets/demo-districts-restricted/").status_code == 404


def test_restricted_datasets_stay_invisible_to_the_citizen_and_the_geography_is_open(demo, api):
    client, _response = sign_in("citizen", LOGINS["citizen"])
    assert client.get("/datasets/demo-districts-restricted/").status_code == 404
    assert "demo-districts-restricted" not in client.get("/datasets/?page_size=100").content.decode()
    grades = {item["identifier"]: item["open_grade"] for item in listed(api, page_size=100)["results"]}
    assert "demo-districts-restricted" not in grades and "demo-school-stages" not in grades
    assert grades["demo-shenzhen-extent"] == "open"  # the open geographic dataset
    extent = api.get("/api/v1/datasets/demo-shenzhen-extent/").json()
    geojson = next(r for r in extent["resources"] if r["kind"] == "file")
    assert geojson["format"].upper() == "GEOJSON"
    assert api.get(geojson["download_url"]).status_code == 200


def test_anonymous_callers_see_open_and_conditional_but_not_restricted_or_drafts(demo, api, api_as,
                                                                                   django_user_model):
    grades = {item["identifier"]: (item["open_grade"], item["state"])
              for item in listed(api, page_size=100)["results"]}
    assert grades["demo-provinces"] == ("open", "published")
    assert grades["demo-immunization-schedule"] == ("conditional", "published")
    archived = api.get("/api/v1/datasets/demo-holidays-2024/").json()
    assert (archived["open_grade"], archived["state"]) == ("open", "archived")
    assert api.get("/api/v1/datasets/demo-districts-restricted/").status_code == 404
    planner = api_as(django_user_model.objects.get(username="planning-publisher"))
    restricted = planner.get("/api/v1/datasets/demo-districts-restricted/").json()
    assert (restricted["open_grade"], restricted["spatial_bbox"]) == ("restricted", [113.7167, 22.4, 114.6333, 22.8667])


def test_the_reviewer_finds_a_contribution_in_review_and_the_merged_one_is_credited(demo):
    page = Client().get("/datasets/demo-expressways-radial/").content.decode()
    assert "示例城市轨道交通运营公司" in page and "首都放射线" in page  # provenance, and the merged keyword
    reviewer, _response = sign_in("reviewer", LOGINS["reviewer"])
    queue = reviewer.get("/contributions/review/").content.decode()
    assert "国家高速公路首都放射线" in queue
    enterprise, _response = sign_in("enterprise-admin", LOGINS["enterprise-admin"])
    assert "演示密钥" in enterprise.get("/keys/").content.decode()
    mine = enterprise.get("/access/").content.decode()
    assert "国家免疫规划疫苗儿童免疫程序" in mine
    schedule = Client().get("/datasets/demo-immunization-schedule/").content.decode()
    assert "员工子女疫苗接种时间提示（演示）" in schedule  # the public use result of the grant


def test_the_home_page_example_searches_find_demo_datasets(demo, client, api):
    for language in ("", "/en"):
        home = client.get(f"{language}/").content.decode()
        examples = [unquote(term) for term in re.findall(r'href="[^"]*/search/\?q=([^"]+)" data-example-search', home)]
        assert len(examples) >= 3, language
        for example in examples:
            found = api.get("/api/v1/search/", {"q": example}, HTTP_ACCEPT_LANGUAGE=language.strip("/") or "zh-hans")
            assert found.json()["count"] >= 1, example


def test_files_are_the_real_bytes_and_a_replaced_file_keeps_its_history(demo, api):
    body = api.get("/api/v1/datasets/demo-provinces/").json()
    table = next(r for r in body["resources"] if r["kind"] == "file")
    current = (DEMO_FILES / "provinces.csv").read_bytes()
    assert (table["version"], table["format"], table["sha256"]) == (2, "CSV", hashlib.sha256(current).hexdigest())
    downloaded = api.get(table["download_url"])
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content if downloaded.streaming else [downloaded.content]) == current
    assert "440000,广东省,省,粤,广州市,Guangdong".encode() in current
    versions = api.get(f"/api/v1/resources/{table['id']}/").json()["versions"]
    first = (DEMO_FILES / "provinces-v1.csv").read_bytes()
    assert [(v["number"], v["sha256"]) for v in versions] == [
        (2, hashlib.sha256(current).hexdigest()), (1, hashlib.sha256(first).hexdigest()),
    ]
    aqi = api.get("/api/v1/datasets/demo-aqi-levels/").json()["resources"]
    assert [r["format"] for r in aqi] == ["CSV", "JSON"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_a_browser_every_demo_account_signs_in_and_does_its_main_task(browser, live_server):
    out = StringIO()
    call_command("load_demo", stdout=out)
    token = TOKEN.search(out.getvalue()).group(0)

    def log_in(username, next_path):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(LOGINS[username])
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"**{next_path}")
        return context, page

    context, page = log_in("reviewer", "/contributions/review/")
    page.get_by_role("link", name="国家高速公路首都放射线 · 元数据更正").first.click()
    page.get_by_label("开放等级").select_option("open")
    page.get_by_role("button", name="批准并合并").click()
    assert not Contribution.objects.filter(status=Status.AWAITING_REVIEW).exists()
    assert Contribution.objects.filter(status=Status.MERGED).count() == 2
    context.close()

    context, page = log_in("enterprise-admin", "/keys/")
    assert page.get_by_text("演示密钥").first.is_visible()
    table = Resource.objects.get(dataset__identifier="demo-immunization-schedule")
    rows = f"{live_server.url}/api/v1/resources/{table.pk}/rows/"
    assert page.request.get(rows).status == 403  # the session alone does not reach conditional data
    answer = page.request.get(rows, headers={"Authorization": f"Api-Key {token}"})
    assert answer.status == 200 and "乙肝疫苗" in answer.text()
    context.close()

    # The publisher gives a dataset of its department an English title; /en/ shows it.
    context, page = log_in("transport-publisher", "/datasets/-/edit/demo-expressways-radial")
    page.get_by_label("英文标题").fill("Radial expressways from Beijing")
    page.get_by_role("button", name="保存修改").click()
    page.goto(f"{live_server.url}/en/datasets/demo-expressways-radial/")
    assert page.get_by_role("heading", name="Radial expressways from Beijing").is_visible()
    context.close()

    # The citizen finds open data by a home-page example search and downloads a file.
    context, page = log_in("citizen", "/")
    page.get_by_role("link", name="空气质量", exact=True).first.click()
    page.get_by_role("link", name="空气质量指数级别划分").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 AQI 级别（CSV）").click()
    assert download.value.suggested_filename.endswith(".csv")
    context.close()

    # The platform admin reads the audit log: the demo's approval is on it.
    context, page = log_in("admin", "/access/audit/")
    assert page.get_by_role("heading", name="审计日志").is_visible()
    assert page.locator("tbody tr").count() > 0
    context.close()


def test_the_evaluation_page_shows_the_demo_in_both_languages(demo, client):
    listed = client.get("/api/v1/datasets/").json()["count"]
    counted = client.get("/api/v1/evaluation/").json()["platform"]["values"]["datasets"]
    assert counted >= listed > 0  # published ones, and archived ones too
    page = client.get("/evaluation/").content.decode()
    assert re.search(rf'<tr data-indicator="datasets">.*?<td data-value>{counted} 个</td>', page, re.S)
    english = client.get("/en/evaluation/").content.decode()
    assert f"{counted} datasets" in english and 'data-organization="sz-transport"' in english
