"""The harvest API: who may manage sources and read their jobs, bad input named by field, runs and conflicts."""
import pytest
from harvest_pages_support import SOURCE_DATA

from audit.models import AuditEntry
from harvest.models import HarvestRecord, JobStatus, RecordOutcome

pytestmark = pytest.mark.django_db
SOURCES = "/api/v1/harvest/sources/"


def test_anonymous_callers_are_asked_to_sign_in(api, source):
    assert api.get(SOURCES).status_code == 401
    assert api.post(f"{SOURCES}{source.pk}/run/", {}, format="json").status_code == 401


def test_an_org_admin_creates_a_source_only_they_and_staff_see(api_as, org_admin, other_admin, staff):
    response = api_as(org_admin).post(SOURCES, {**SOURCE_DATA, "schedule": "cron", "cron": "0 3 * * 1"},
                                      format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organization"]["slug"] == "transport-bureau" and body["next_run_at"]
    assert AuditEntry.objects.filter(action="harvest_source_saved", detail__source=body["id"]).exists()
    assert api_as(other_admin).get(f"{SOURCES}{body['id']}/").status_code == 404
    assert api_as(other_admin).get(SOURCES).json()["count"] == 0
    assert api_as(staff).get(SOURCES).json()["count"] == 1


@pytest.mark.parametrize("organization", ["eco-bureau", None])
def test_an_org_admin_may_not_harvest_into_another_org_nor_map_publishers(api_as, org_admin, eco_bureau,
                                                                         organization):
    response = api_as(org_admin).post(SOURCES, {**SOURCE_DATA, "organization": organization}, format="json")
    assert response.status_code == 403


def test_staff_may_keep_a_source_that_maps_publishers(api_as, staff):
    response = api_as(staff).post(SOURCES, {**SOURCE_DATA, "organization": None}, format="json")
    assert response.status_code == 201 and response.json()["organization"] is None


@pytest.mark.parametrize(("change", "field"), [
    ({"url": "file:///etc/passwd"}, "url"),
    ({"url": "gopher://catalog.example.org/"}, "url"),
    ({"schedule": "cron", "cron": "61 * * * *"}, "cron"),
    ({"schedule": "cron", "cron": "every day"}, "cron"),
    ({"kind": "ftp-dump"}, "kind"),
    ({"config": ["not", "an", "object"]}, "config"),
    ({"archive_after_days": 0}, "archive_after_days"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_a_400_naming_the_field(api_as, org_admin, change, field):
    response = api_as(org_admin).post(SOURCES, {**SOURCE_DATA, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_an_edit_changes_only_the_given_fields_and_is_checked(api_as, org_admin, source):
    client = api_as(org_admin)
    response = client.patch(f"{SOURCES}{source.pk}/", {"schedule": "daily"}, format="json")
    assert response.status_code == 200 and response.json()["next_run_at"]
    assert response.json()["url"] == SOURCE_DATA["url"]
    response = client.patch(f"{SOURCES}{source.pk}/", {"url": "ftp://x.example.org/"}, format="json")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]


def test_a_run_is_accepted_once_then_conflicts_while_queued(api_as, org_admin, other_admin, source):
    client = api_as(org_admin)
    response = client.post(f"{SOURCES}{source.pk}/run/", {"dry_run": True}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == JobStatus.QUEUED and job["dry_run"] is True
    assert client.post(f"{SOURCES}{source.pk}/run/", {}, format="json").status_code == 409
    assert api_as(other_admin).post(f"{SOURCES}{source.pk}/run/", {}, format="json").status_code == 404
    assert client.get(f"/api/v1/harvest/jobs/{job['id']}/").json()["id"] == job["id"]
    assert api_as(other_admin).get(f"/api/v1/harvest/jobs/{job['id']}/").status_code == 404
    assert api_as(other_admin).post(f"/api/v1/harvest/jobs/{job['id']}/abort/").status_code == 404
    response = client.post(f"/api/v1/harvest/jobs/{job['id']}/abort/")
    assert response.status_code == 200 and response.json()["status"] == JobStatus.ABORTED
    assert client.post(f"{SOURCES}{source.pk}/run/", {}, format="json").status_code == 202


def test_the_record_report_filters_by_outcome_for_managers_only(api_as, org_admin, other_admin, source):
    job = source.jobs.create(status=JobStatus.FINISHED_WITH_ERRORS, read=3, failed_count=1, created_count=2)
    HarvestRecord.objects.bulk_create([
        HarvestRecord(job=job, remote_id="a", outcome=RecordOutcome.CREATED),
        HarvestRecord(job=job, remote_id="b", outcome=RecordOutcome.CREATED),
        HarvestRecord(job=job, remote_id="c", outcome=RecordOutcome.FAILED, field="modified", error="不是日期"),
    ])
    url = f"/api/v1/harvest/jobs/{job.pk}/records/"
    body = api_as(org_admin).get(url, {"outcome": "failed", "page_size": 1}).json()
    assert body["count"] == 1 and body["results"][0]["field"] == "modified"
    assert api_as(org_admin).get(url, {"page_size": 2}).json()["next"]
    response = api_as(org_admin).get(url, {"outcome": "exploded"})
    assert response.status_code == 400 and "outcome" in response.json()["error"]["fields"]
    assert api_as(other_admin).get(url).status_code == 404
