"""The evaluation dashboard: exact snapshot figures, what outsiders may count, the staff view, past months,
months without a snapshot, exports, English, bad input."""
import csv
import datetime
import io
import re
from io import StringIO

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from apikeys.models import ApiKey, UsageDaily
from datasets.models import Dataset
from evaluation import months, services
from evaluation.models import EvaluationSnapshot
from evaluation.tasks import refresh_evaluation
from searchstats.services import record_query

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation/"


def snapshot():
    out = StringIO()
    call_command("take_evaluation_snapshot", stdout=out)
    return out.getvalue()


def grade_row(page):
    """The value cell of the datasets-by-grade row."""
    return re.search(r'<tr data-indicator="datasets_by_grade">.*?<td data-value>(.*?)</td>', page, re.S).group(1)


def figures(api, audience="public", **params):
    response = api.get(API, {"audience": audience, **params})
    assert response.status_code == 200, response.content
    return response.json()


def organizations(api, audience="public", **params):
    response = api.get(f"{API}organizations/", {"audience": audience, **params})
    assert response.status_code == 200, response.content
    return {row["organization"]["slug"]: row for row in response.json()["results"]}


@pytest.fixture
def catalog(graded_datasets, granted, data_key, eco_bureau, make_org, make_dataset, staff):
    """Transport bureau: open, conditional, restricted, draft (a CSV each), the conditional one granted to
    enterprise A; a department whose only datasets are restricted or drafts; the eco bureau with none."""
    hidden = make_org("hidden-bureau", name_zh="保密局")
    make_dataset("secret-1", open_grade="restricted", organization=hidden, user=staff)
    make_dataset("secret-2", state=Dataset.State.DRAFT, organization=hidden, user=staff)
    Dataset.objects.filter(identifier="bus-routes").update(download_count=7, metadata_score=80)
    Dataset.objects.filter(identifier="taxi-trips").update(download_count=3, metadata_score=60)
    Dataset.objects.filter(identifier="signal-control").update(download_count=100, metadata_score=10)
    key = ApiKey.objects.get(prefix=data_key.split(".")[0])
    today = timezone.localdate()
    # Monthly, both: one overdue by its publisher's date, one just updated; the others declare nothing.
    Dataset.objects.filter(identifier="bus-routes").update(update_frequency="monthly",
                                                           next_update_due=today - datetime.timedelta(days=3))
    Dataset.objects.filter(identifier="taxi-trips").update(update_frequency="monthly")
    for identifier, calls in (("taxi-trips", 5), ("signal-control", 7), ("", 2)):
        UsageDaily.objects.create(key=key, day=today, endpoint="x", status=200, dataset=identifier, calls=calls)
    for text, total in (("公交", 3), ("地铁", 1), ("不存在", 0)):
        record_query(text, total)
    return hidden


def test_the_snapshot_counts_a_small_catalog_exactly(api, api_as, staff, catalog, transport_bureau):
    assert "taken" in snapshot()
    public = figures(api)["platform"]["values"]
    assert public["datasets"] == 2 and public["datasets_by_grade"] == {"open": 1, "conditional": 1}
    assert public["grade_shares"] == {"open": 50.0, "conditional": 50.0}
    assert public["files"] == 2 and public["machine_readable_share"] == 100.0
    assert public["metadata_score"] == 70.0 and public["downloads"] == 10 and public["downloads_per_dataset"] == 5.0
    assert public["search_success"] == 66.7 and public["api_calls"] == 7  # 5 on taxi-trips, 2 naming no dataset
    assert public["access_applications"] == 1 and public["enterprises_using"] == 1
    assert public["datasets_by_theme"] == {"transport": 2} and "drafts" not in public
    assert public["timeliness"] == 50.0

    staff_view = figures(api_as(staff), "staff")["platform"]["values"]
    assert staff_view["datasets"] == 6 and staff_view["drafts"] == 2 and staff_view["files"] == 6
    assert staff_view["datasets_by_grade"] == {"open": 3, "conditional": 1, "restricted": 2}
    assert staff_view["downloads"] == 110 and staff_view["api_calls"] == 14

    transport = organizations(api)["transport-bureau"]
    assert transport["rank"] == 1 and transport["values"]["api_calls"] == 5 and transport["values"]["timeliness"] == 50.0
    assert transport["values"]["access_decision_days"] == 0.0 and transport["scores"]["access_decision_days"] == 100.0
    for slug in ("eco-bureau", "hidden-bureau"):
        row = organizations(api)[slug]
        assert row["rank"] is None and row["score"] is None and set(row["values"].values()) == {None}


def test_outsiders_never_learn_what_is_restricted_or_draft(client, api, api_as, staff, citizen, catalog):
    snapshot()
    hidden_staff = organizations(api_as(staff), "staff")["hidden-bureau"]["values"]
    assert hidden_staff["datasets"] == 2 and hidden_staff["datasets_by_grade"]["restricted"] == 1
    page = client.get("/evaluation/organizations/hidden-bureau/").content.decode()
    assert 'data-state="no-data"' in page and 'data-figure="datasets">无数据<' in page
    dashboard = client.get("/evaluation/").content.decode()
    assert 'data-indicator="drafts"' not in dashboard and "不予开放" not in grade_row(dashboard)
    history = api.get(f"{API}organizations/hidden-bureau/").json()["months"][0]
    assert history["values"]["datasets"] is None
    rows = list(csv.reader(io.StringIO(client.get("/evaluation/export.csv").content.decode("utf-8-sig"))))
    assert "草稿数据集（个）" not in rows[0] and not any("不予开放" in header for header in rows[0])
    hidden_row = next(row for row in rows if row[1] == "hidden-bureau")
    assert set(hidden_row[4:]) <= {"无数据", "仅全平台统计", "暂不可用"}
    # The staff view and its exports are for platform staff only.
    assert api_as(citizen).get(API, {"audience": "staff"}).status_code == 403
    assert client.get("/evaluation/staff/").status_code == 302
    client.force_login(citizen)
    assert client.get("/evaluation/staff/").status_code == 403
    assert client.get("/evaluation/staff/export.csv").status_code == 403
    client.force_login(staff)
    staff_page = client.get("/evaluation/staff/").content.decode()
    assert 'data-indicator="drafts"' in staff_page and "不予开放 2" in grade_row(staff_page)


def test_an_ended_month_keeps_its_snapshot(api, catalog, make_dataset):
    assert settings.CELERY_BEAT_SCHEDULE["evaluation-refresh"]["task"] == "evaluation.tasks.refresh_evaluation"
    refresh_evaluation.delay()
    month = months.current()
    before = EvaluationSnapshot.objects.get(month=month, organization=None)
    next_month = timezone.make_aware(datetime.datetime.combine(months.following(month), datetime.time(23, 45)))
    make_dataset("new-data")
    assert services.take_snapshot(month, now=next_month) is False
    assert services.refresh_current_month(now=next_month) is True
    kept = EvaluationSnapshot.objects.get(month=month, organization=None)
    assert (kept.taken, kept.figures) == (before.taken, before.figures)
    later = figures(api, month=months.label(months.following(month)))
    assert later["platform"]["values"]["datasets"] == 3 and figures(api, month=months.label(month))[
        "platform"]["values"]["datasets"] == 2
    assert [row["month"] for row in later["months"]] == [months.label(months.following(month)), months.label(month)]


def test_a_month_without_snapshot_and_bad_input(client, api, catalog):
    page = client.get("/evaluation/?month=2020-01")
    assert page.status_code == 200 and 'data-state="no-snapshot"' in page.content.decode()
    empty = figures(api, month="2020-01")
    assert empty["platform"] is None and empty["taken"] is None
    assert api.get(f"{API}organizations/", {"month": "2020-01"}).json()["count"] == 0
    snapshot()
    for url in ("/evaluation/?month=2026-13", "/evaluation/organizations/transport-bureau/?month=26-1",
                "/evaluation/export.csv?month=x"):
        assert client.get(url).status_code == 400, url
    for params in ({"month": "2026-13"}, {"month": ""}, {"audience": "everyone"}):
        response = api.get(API, params)
        assert response.status_code == 400 and set(params) <= set(response.json()["error"]["fields"]), params
    assert client.get("/evaluation/organizations/nobody/").status_code == 404
    assert api.get(f"{API}organizations/nobody/").json()["error"]["code"] == "not_found"
    assert client.get("/evaluation/export.pdf").status_code == 404
    assert client.get("/evaluation/export.csv?month=2020-01").status_code == 404
    for month in ("2026-13", months.label(months.following(months.current()))):
        with pytest.raises(CommandError):
            call_command("take_evaluation_snapshot", month=month)


def test_exports_hold_the_page_figures_and_defuse_formulas(client, api, catalog, make_org):
    make_org("formula", name_zh="=HYPERLINK(\"http://x\")")
    snapshot()
    rows = list(csv.reader(io.StringIO(client.get("/evaluation/export.csv").content.decode("utf-8-sig"))))
    header, platform = rows[0], rows[1]
    assert platform[header.index("数据集数量（个）")] == "2" and platform[2] == "全平台"
    assert next(row for row in rows if row[1] == "formula")[2].startswith("'=")
    response = client.get("/en/evaluation/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[1][cells[0].index("Datasets (datasets)")] == 2
    assert next(row for row in cells if row[1] == "eco-bureau")[4] == "No data"


def test_the_pages_in_chinese_and_english(client, catalog):
    snapshot()
    page = client.get("/evaluation/").content.decode()
    assert "平台评估" in page and 'data-chart="radar"' in page and "vendor/echarts/echarts.min.js" in page
    assert 'id="evaluation-charts"' in page and 'data-organization="transport-bureau"' in page
    english = client.get("/en/evaluation/").content.decode()
    assert 'lang="en"' in english and "Platform evaluation" in english and "Ranking rule" in english
    assert "平台评估" not in english
    detail = client.get("/en/evaluation/organizations/eco-bureau/").content.decode()
    assert "No data" in detail
