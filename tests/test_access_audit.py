"""The audit log: append-only whatever the path, filtered and exported by staff only; the expiry task."""
import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from access import tasks
from access.models import AccessApplication, Grant
from access_support import APPLICATIONS, AUDIT, days
from apikeys_support import error, key_client, session_client
from audit.models import AuditEntry
from enterprise_support import _register

pytestmark = pytest.mark.django_db


def download(client, dataset):
    response = client.get(f"/download/resources/{dataset.resources.get().pk}/")
    b"".join(response.streaming_content)
    return response


def rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def logged(granted, conditional, data_key):
    """Decisions plus one conditional download by enterprise A's key."""
    assert download(key_client(data_key), conditional).status_code == 200
    return AuditEntry.objects.get(action=AuditEntry.Action.DATA_DOWNLOAD)


# --- nobody changes an entry -----------------------------------------------------

def test_entries_cannot_be_changed_or_deleted_through_the_orm(logged):
    logged.bytes = 0
    with pytest.raises(PermissionDenied):
        logged.save()
    with pytest.raises(PermissionDenied):
        logged.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=logged.pk).update(bytes=0)
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    logged.refresh_from_db()
    assert logged.bytes > 0 and AuditEntry.objects.filter(pk=logged.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", ["UPDATE access_auditentry SET bytes = 0", "DELETE FROM access_auditentry"])
def test_the_database_refuses_raw_updates_and_deletes(logged, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    logged.refresh_from_db()
    assert logged.bytes > 0


def test_admin_shows_entries_but_refuses_to_change_or_delete_them(logged, client, staff):
    client.force_login(staff)
    base = "/admin/audit/auditentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}?action=data_download").status_code == 200
    assert client.get(f"{base}{logged.pk}/change/").status_code == 200
    assert client.post(f"{base}{logged.pk}/change/", {"bytes": 0}).status_code == 403
    assert client.get(f"{base}{logged.pk}/delete/").status_code == 403
    assert client.post(f"{base}{logged.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"})
    assert AuditEntry.objects.filter(pk=logged.pk).exists()
    response = client.post(base, {"action": "export_csv", "_selected_action": [logged.pk]})
    assert [row["action"] for row in rows(response)] == ["data_download"]
    logged.refresh_from_db()
    assert logged.bytes > 0


def test_there_is_no_write_route_in_the_api(logged, staff):
    client = session_client(staff)
    assert client.delete(f"{AUDIT}{logged.pk}/").status_code in (404, 405)
    assert client.post(AUDIT, {"action": "data_download"}, format="json").status_code == 405
    assert AuditEntry.objects.filter(pk=logged.pk).exists()


# --- staff read and export ----------------------------------------------------------

def test_staff_filter_the_log_in_the_api(logged, staff, data_key, enterprise_admin, conditional):
    client = session_client(staff)
    prefix = data_key.split(".")[0]
    results = client.get(AUDIT, {"key_prefix": prefix}).json()["results"]
    assert [(r["action"], r["dataset"], r["bytes"]) for r in results] == [
        ("data_download", conditional.identifier, logged.bytes), ("key_issued", "", None)]
    assert {r["action"] for r in client.get(AUDIT, {"actor": "reviewer"}).json()["results"]} == {"grant_issued"}
    assert client.get(AUDIT, {"action": "grant_issued", "dataset": conditional.identifier}).json()["count"] == 1
    assert client.get(AUDIT, {"since": days(1)}).json()["count"] == 0
    assert client.get(AUDIT, {"until": days(0)}).json()["count"] == AuditEntry.objects.count()


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "yesterday"}, "since"), ({"action": "nothing"}, "action"),
    ({"since": "2030-01-02", "until": "2030-01-01"}, "until"),
])
def test_bad_audit_filters_are_400(logged, staff, params, field):
    assert field in error(session_client(staff).get(AUDIT, params), 400, "invalid")["fields"]


def test_only_staff_read_the_log(logged, enterprise_admin, reviewer, data_key, api, client):
    for user in (enterprise_admin, reviewer):
        error(session_client(user).get(AUDIT), 403, "permission_denied")
        client.force_login(user)
        assert client.get("/access/audit/").status_code == 403
        assert client.get("/access/audit/export/").status_code == 403
    assert key_client(data_key).get(AUDIT).status_code == 403  # a key never carries staff powers
    assert api.get(AUDIT).status_code in (401, 403)


def test_csv_export_defuses_formulas(staff, make_user, client):
    _register(make_user("registrant"), "91310000132200821H", "=HYPERLINK(\"http://x\")", verify_by=staff)
    client.force_login(staff)
    response = client.get("/access/audit/export/", {"action": "enterprise_verified"})
    assert response["Content-Type"].startswith("text/csv")
    [row] = rows(response)
    assert row["organization_label"] == "'=HYPERLINK(\"http://x\")" and row["actor_username"] == "staff"
    api_rows = rows(session_client(staff).get(f"{AUDIT}export/", {"organization": "HYPERLINK"}))
    assert [row["organization_label"] for row in api_rows] == ["'=HYPERLINK(\"http://x\")"]


def test_audit_page_filters_and_pages(logged, staff, client, conditional, data_key):
    client.force_login(staff)
    page = client.get("/access/audit/", {"key_prefix": data_key.split(".")[0]}).content.decode()
    assert data_key.split(".")[0] in page
    assert "<td>下载有条件开放数据</td>" in page and "<td>批准授权</td>" not in page
    assert client.get("/access/audit/", {"since": "bad"}).status_code == 400


def test_enterprise_verification_is_audited(enterprise_b, staff):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ENTERPRISE_VERIFIED)
    assert entry.actor_username == "staff" and entry.organization_id == enterprise_b.organization_id


def test_entries_outlive_what_they_describe(logged, conditional, publisher, django_capture_on_commit_callbacks):
    from datasets.services.lifecycle import delete_dataset

    with django_capture_on_commit_callbacks(execute=True):
        delete_dataset(user=publisher, dataset=conditional)
    logged.refresh_from_db()
    assert logged.dataset_identifier == conditional.identifier and logged.bytes > 0


# --- the expiry task --------------------------------------------------------------

def test_expiry_task_marks_lapsed_rows_once_and_warns_before_expiry(
        enterprise_a, enterprise_admin, reviewer, conditional, graded_datasets, make_dataset, apply_as, post_as,
        django_capture_on_commit_callbacks):
    soon = make_dataset("bike-trips", open_grade="conditional")
    application = apply_as(enterprise_admin, enterprise_a.organization, soon).json()
    grant_id = post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/",
                       {"terms": "t", "expires_on": days(3)}).json()["grant"]
    lapsed = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    AccessApplication.objects.filter(pk=lapsed["id"]).update(period_end=timezone.localdate() - datetime.timedelta(days=1))
    mail.outbox.clear()

    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.expire_access.delay()
    assert AccessApplication.objects.get(pk=lapsed["id"]).status == AccessApplication.Status.EXPIRED
    assert len(mail.outbox) == 1 and "即将到期" in mail.outbox[0].subject
    assert f"/access/grants/{grant_id}/renew/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.APPLICATION_EXPIRED).count() == 1

    Grant.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for _run in range(2):
        tasks.expire_access.delay()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT_EXPIRED).count() == 1
    assert session_client(enterprise_admin).get("/api/v1/access/grants/").json()["results"][0]["state"] == "expired"
