"""The harvest pages: who may use them, the source form, runs from the page, the job report, the schedule and
the dashboard flag."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from harvest_pages_support import SOURCE_DATA

from datasets.models import Dataset
from harvest.models import (
    HarvestJob,
    HarvestRecord,
    HarvestSource,
    JobStatus,
    RecordOutcome,
)
from harvest.services.sources import save_source
from harvest.tasks import start_due_harvests

pytestmark = pytest.mark.django_db


def form_data(**change):
    return {**SOURCE_DATA, "default_open_grade": "open", "disappeared_policy": "archive", "archive_after_days": "30",
            "config": "{}", "active": "on", **change}


def test_anonymous_visitors_are_sent_to_sign_in_and_citizens_refused(client, citizen):
    response = client.get("/harvest/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(citizen)
    assert client.get("/harvest/").status_code == 403
    assert "/harvest/" not in client.get("/").content.decode()


def test_an_org_admin_creates_a_source_and_another_admin_cannot_see_it(client, org_admin, other_admin):
    client.force_login(org_admin)
    assert 'href="/harvest/"' in client.get("/").content.decode()
    response = client.post("/harvest/new/", form_data())
    source = HarvestSource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/harvest/{source.pk}/"
    assert SOURCE_DATA["url"] in client.get(f"/harvest/{source.pk}/").content.decode()
    client.force_login(other_admin)
    assert client.get(f"/harvest/{source.pk}/").status_code == 404
    assert client.get(f"/harvest/{source.pk}/edit/").status_code == 404
    assert client.post(f"/harvest/{source.pk}/run/").status_code == 404


def test_the_form_shows_a_bad_cron_and_a_bad_scheme_next_to_their_fields(client, org_admin):
    client.force_login(org_admin)
    response = client.post("/harvest/new/", form_data(schedule="cron", cron="99 * * * *", url="file:///etc/passwd"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"cron", "url"}
    assert not HarvestSource.objects.exists()


def test_run_now_and_dry_run_queue_jobs_and_the_job_page_reports_records(client, org_admin, source):
    client.force_login(org_admin)
    response = client.post(f"/harvest/{source.pk}/run/", {"dry_run": "1"})
    job = HarvestJob.objects.get()
    assert job.dry_run and response["Location"] == f"/harvest/jobs/{job.pk}/"
    response = client.post(f"/harvest/{source.pk}/run/", follow=True)
    assert HarvestJob.objects.count() == 1 and "已有排队或运行中" in response.content.decode()
    client.post(f"/harvest/jobs/{job.pk}/abort/")
    job.refresh_from_db()
    assert job.status == JobStatus.ABORTED
    HarvestRecord.objects.create(job=job, remote_id="r-ok", outcome=RecordOutcome.CREATED)
    HarvestRecord.objects.create(job=job, remote_id="r-bad", outcome=RecordOutcome.FAILED, field="issued",
                                 error="不是日期", original_url="https://catalog.example.org/r-bad")
    page = client.get(f"/harvest/jobs/{job.pk}/", {"outcome": "failed"}).content.decode()
    assert "r-bad" in page and "r-ok" not in page and 'href="https://catalog.example.org/r-bad"' in page


def test_the_pages_speak_english_under_en(client, org_admin, source):
    client.force_login(org_admin)
    page = client.get("/en/harvest/").content.decode()
    assert "Harvesting" in page and "New harvest source" in page


def test_the_beat_task_runs_due_sources_and_moves_their_next_run(org_admin, source, loopback,
                                                                 django_capture_on_commit_callbacks):
    catalog = {"dataset": [{"identifier": "hourly-counts", "title": "Hourly counts", "accessLevel": "public"}]}
    hourly = save_source(user=org_admin, data={**SOURCE_DATA, "name": "hourly", "schedule": "hourly",
                                               "url": loopback.serve("/hourly.json", json.dumps(catalog))})
    paused = save_source(user=org_admin, data={**SOURCE_DATA, "name": "paused", "schedule": "hourly",
                                               "active": False})
    assert paused.next_run_at is None and source.next_run_at is None
    assert hourly.next_run_at > timezone.now() + timedelta(minutes=59)
    start_due_harvests()
    assert not HarvestJob.objects.exists()
    HarvestSource.objects.filter(pk=hourly.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        start_due_harvests()
    hourly.refresh_from_db()
    assert list(HarvestJob.objects.values_list("source__name", "requested_by", "status", "created_count")) == [
        ("hourly", None, "finished", 1)]
    assert Dataset.objects.get(identifier="hourly-counts").harvested.source == hourly
    assert hourly.next_run_at > timezone.now() + timedelta(minutes=59)


def test_a_source_whose_last_run_failed_or_erred_over_5_percent_is_flagged_on_the_dashboard(client, staff, source,
                                                                                         org_admin):
    other = save_source(user=org_admin, data={**SOURCE_DATA, "name": "mostly fine"})
    source.jobs.create(status=JobStatus.FAILED, reason="来源返回 HTTP 500。")
    other.jobs.create(status=JobStatus.FINISHED_WITH_ERRORS, read=100, failed_count=5)
    client.force_login(staff)
    page = client.get("/datasets/-/mine/").content.decode()
    assert "需要关注的采集来源" in page and SOURCE_DATA["name"] in page and "mostly fine" not in page
    other.jobs.create(status=JobStatus.FINISHED_WITH_ERRORS, read=100, failed_count=6)
    assert "mostly fine" in client.get("/harvest/").content.decode().split("需要关注的采集来源")[1].split("</section>")[0]
