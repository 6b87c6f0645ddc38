"""Access to conditional data over the API: apply, decide, download with a granted key, revoke, expire, renew.

Every grade rule is checked from the outside: the key, its scope, its
enterprise's grant, and the dataset's grade decide what comes back.
"""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from access.models import AccessApplication, Grant, UsageReport
from access_support import APPLICATIONS, GRANTS, REPORTS, application_body, days
from apikeys_support import error, issue, key_client, session_client
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def file_url(dataset):
    return f"/download/resources/{dataset.resources.get().pk}/"


def fetch(client, url):
    """GET and read the whole body, so the server closes the response (counts and audit happen then)."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def stored_state():
    return (
        sorted(AccessApplication.objects.values_list("id", "status")),
        sorted(Grant.objects.values_list("id", "revoked_at")),
        UsageReport.objects.count(),
    )


# --- the full loop ----------------------------------------------------------------

def test_apply_approve_download_with_key_and_audit(enterprise_a, enterprise_admin, reviewer, conditional, data_key,
                                                  apply_as, post_as):
    # Before any grant the enterprise's key is refused, naming the grant.
    response, _body = fetch(key_client(data_key), file_url(conditional))
    error(response, 403, "grant_required")

    response = apply_as(enterprise_admin, enterprise_a.organization, conditional,
                        resources=[conditional.resources.get().pk])
    assert response.status_code == 201, response.content
    application = response.json()
    assert application["status"] == "submitted" and application["enterprise"]["slug"] == enterprise_a.organization.slug
    assert application["resources"] == [conditional.resources.get().pk]
    # The department's reviewers hear of it.
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    assert conditional.title in mail.outbox[0].subject

    # The reviewer sees it in the queue and approves it.
    queue = session_client(reviewer).get(APPLICATIONS, {"status": "submitted"}).json()["results"]
    assert [item["id"] for item in queue] == [application["id"]]
    response = post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/",
                       {"terms": "仅限研究使用，不得转让", "expires_on": days(30)})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["reviewer"] == "reviewer"
    assert enterprise_admin.email in mail.outbox[-1].to
    assert "仅限研究使用" in mail.outbox[-1].body

    grant = session_client(enterprise_admin).get(f"{GRANTS}{response.json()['grant']}/").json()
    assert grant["state"] == "active" and grant["terms"] == "仅限研究使用，不得转让"

    # The key with data:read now gets the file, and the catalog says so.
    response, body = fetch(key_client(data_key), file_url(conditional))
    assert response.status_code == 200 and body == conditional.resources.get().current_version.file.open().read()
    detail = key_client(data_key).get(f"/api/v1/datasets/{conditional.identifier}/").json()
    assert detail["can_download"] is True and detail["resources"][0]["can_download"] is True

    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_DOWNLOAD)
    key_prefix = data_key.split(".")[0]
    assert entry.key_prefix == key_prefix and entry.api_key.prefix == key_prefix
    assert entry.actor_username == enterprise_admin.username
    assert entry.dataset_identifier == conditional.identifier and entry.resource_id == conditional.resources.get().pk
    assert entry.bytes == len(body) > 0
    decisions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditEntry.Action.APPLICATION_SUBMITTED, AuditEntry.Action.GRANT_ISSUED} <= decisions


def test_zip_and_range_downloads_are_audited_with_the_bytes_sent(granted, conditional, data_key):
    client = key_client(data_key)
    response, body = fetch(client, f"/download/datasets/{conditional.identifier}/zip/")
    assert response.status_code == 200 and body[:2] == b"PK"
    response = client.get(file_url(conditional), HTTP_RANGE="bytes=0-4")
    part = b"".join(response.streaming_content)
    assert response.status_code == 206 and len(part) == 5
    sizes = list(AuditEntry.objects.filter(action=AuditEntry.Action.DATA_DOWNLOAD)
                 .order_by("id").values_list("resource_id", "bytes"))
    assert sizes == [(None, len(body)), (conditional.resources.get().pk, 5)]


def test_open_data_downloads_are_not_audited(graded_datasets, data_key):
    response, _body = fetch(key_client(data_key), file_url(graded_datasets["open"]))
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_DOWNLOAD).exists()


# --- what a key needs ---------------------------------------------------------------

def test_key_without_data_read_is_403_naming_the_scope(granted, enterprise_a, enterprise_admin, conditional):
    token = issue(enterprise_admin, scopes=("catalog:read",), organization=enterprise_a.organization)["token"]
    response, _body = fetch(key_client(token), file_url(conditional))
    body = error(response, 403, "scope_required")
    assert "data:read" in body["message"]
    detail = key_client(token).get(f"/api/v1/datasets/{conditional.identifier}/").json()
    assert detail["can_download"] is False
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_DOWNLOAD).exists()


def test_another_enterprises_key_is_403_grant_required(granted, enterprise_b, other_admin, conditional):
    token = issue(other_admin, scopes=("catalog:read", "data:read"), organization=enterprise_b.organization)["token"]
    response, _body = fetch(key_client(token), file_url(conditional))
    error(response, 403, "grant_required")


def test_individual_key_never_gets_conditional_data(granted, enterprise_admin, conditional):
    token = issue(enterprise_admin, scopes=("catalog:read",))["token"]
    response, _body = fetch(key_client(token), file_url(conditional))
    assert response.status_code == 403


def test_signed_in_member_without_a_key_gets_metadata_only(granted, enterprise_admin, conditional):
    client = session_client(enterprise_admin)
    response, _body = fetch(client, file_url(conditional))
    error(response, 403, "application_required")
    assert client.get(f"/api/v1/datasets/{conditional.identifier}/").json()["can_download"] is False


@pytest.mark.parametrize("grade", ["restricted", "draft"])
def test_restricted_and_draft_data_are_404_whatever_the_key(granted, graded_datasets, data_key, grade):
    dataset = graded_datasets[grade]
    response, _body = fetch(key_client(data_key), file_url(dataset))
    assert response.status_code == 404
    response, _body = fetch(key_client(data_key), f"/download/datasets/{dataset.identifier}/zip/")
    assert response.status_code == 404


def test_revoked_grant_stops_the_key_at_once(granted, reviewer, conditional, data_key, post_as, enterprise_admin):
    _application, grant = granted
    response = post_as(reviewer, f"{GRANTS}{grant['id']}/revoke/", {"reason": "违反使用条款"})
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert "违反使用条款" in mail.outbox[-1].body and enterprise_admin.email in mail.outbox[-1].to
    response, _body = fetch(key_client(data_key), file_url(conditional))
    error(response, 403, "grant_required")
    # Revoking again is a conflict and changes nothing.
    before = stored_state()
    error(post_as(reviewer, f"{GRANTS}{grant['id']}/revoke/", {"reason": "again"}), 409, "conflict")
    assert stored_state() == before
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT_REVOKED).count() == 1


def test_expired_grant_stops_the_key(granted, conditional, data_key):
    _application, grant = granted
    Grant.objects.filter(pk=grant["id"]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response, _body = fetch(key_client(data_key), file_url(conditional))
    error(response, 403, "grant_required")


# --- bad input changes nothing -----------------------------------------------------

def test_duplicate_open_application_is_409(enterprise_a, enterprise_admin, enterprise_member, conditional, apply_as):
    assert apply_as(enterprise_admin, enterprise_a.organization, conditional).status_code == 201
    before = stored_state()
    error(apply_as(enterprise_member, enterprise_a.organization, conditional), 409, "conflict")
    assert stored_state() == before


def test_member_acting_for_another_enterprise_is_403(enterprise_a, enterprise_b, enterprise_admin, conditional,
                                                     apply_as):
    error(apply_as(enterprise_admin, enterprise_b.organization, conditional), 403, "permission_denied")
    assert stored_state() == ([], [], 0)


def test_citizens_and_anonymous_cannot_apply(citizen, enterprise_a, conditional, apply_as, api):
    error(apply_as(citizen, enterprise_a.organization, conditional), 403, "permission_denied")
    response = api.post(APPLICATIONS, application_body(enterprise_a.organization, conditional), format="json")
    assert response.status_code in (401, 403)
    assert stored_state() == ([], [], 0)


def test_applying_for_a_restricted_dataset_is_404_and_for_open_data_400(
        graded_datasets, enterprise_a, enterprise_admin, apply_as):
    error(apply_as(enterprise_admin, enterprise_a.organization, graded_datasets["restricted"]), 404, "not_found")
    body = error(apply_as(enterprise_admin, enterprise_a.organization, graded_datasets["open"]), 400, "invalid")
    assert "dataset" in body["fields"]
    assert stored_state() == ([], [], 0)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"purpose": ""}, "purpose"),
    ({"intended_use": "   "}, "intended_use"),
    ({"terms_accepted": False}, "terms_accepted"),
    ({"period_start": "2030-02-01", "period_end": "2030-01-01"}, "period_end"),
    ({"period_end": "2001-01-01", "period_start": "2000-12-01"}, "period_end"),
    ({"period_end": "not-a-date"}, "period_end"),
    ({"period_start": "2030-01-01", "period_end": "2032-01-01"}, "period_end"),
    ({"resources": [999999]}, "resources"),
    ({"surprise": 1}, "surprise"),
    ({"enterprise": "no-such-enterprise"}, "enterprise"),
])
def test_bad_applications_are_400_naming_the_field(enterprise_a, enterprise_admin, conditional, apply_as,
                                                   overrides, field):
    body = error(apply_as(enterprise_admin, enterprise_a.organization, conditional, **overrides), 400, "invalid")
    assert field in body["fields"]
    assert stored_state() == ([], [], 0)


def test_approving_a_withdrawn_application_is_409(enterprise_a, enterprise_admin, reviewer, conditional, apply_as,
                                                  post_as):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    response = post_as(enterprise_admin, f"{APPLICATIONS}{application['id']}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    before = stored_state()
    error(post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/",
                  {"terms": "t", "expires_on": days(10)}), 409, "conflict")
    error(post_as(reviewer, f"{APPLICATIONS}{application['id']}/reject/", {"reason": "r"}), 409, "conflict")
    error(post_as(enterprise_admin, f"{APPLICATIONS}{application['id']}/withdraw/"), 409, "conflict")
    assert stored_state() == before


def test_approving_an_expired_application_is_409(enterprise_a, enterprise_admin, reviewer, conditional, apply_as,
                                                 post_as):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional,
                           period_start=days(-10), period_end=days(0)).json()
    AccessApplication.objects.filter(pk=application["id"]).update(period_end=timezone.localdate() - datetime.timedelta(days=1))
    before = stored_state()
    error(post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/",
                  {"terms": "t", "expires_on": days(10)}), 409, "conflict")
    assert stored_state() == before


def test_reviewer_of_another_department_gets_404_and_members_403(
        enterprise_a, enterprise_admin, other_reviewer, publisher, conditional, apply_as, post_as):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    url = f"{APPLICATIONS}{application['id']}/approve/"
    before = stored_state()
    error(post_as(other_reviewer, url, {"terms": "t", "expires_on": days(10)}), 404, "not_found")
    assert session_client(other_reviewer).get(APPLICATIONS).json()["results"] == []
    # The enterprise sees its application but cannot decide it; a publisher of the department is no reviewer.
    error(post_as(enterprise_admin, url, {"terms": "t", "expires_on": days(10)}), 403, "permission_denied")
    error(post_as(publisher, url, {"terms": "t", "expires_on": days(10)}), 404, "not_found")
    assert stored_state() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"terms": " ", "expires_on": days(10)}, "terms"),
    ({"terms": "ok", "expires_on": "2001-01-01"}, "expires_on"),
    ({"terms": "ok"}, "expires_on"),
])
def test_bad_approvals_are_400(enterprise_a, enterprise_admin, reviewer, conditional, apply_as, post_as, body, field):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    before = stored_state()
    response = post_as(reviewer, f"{APPLICATIONS}{application['id']}/approve/", body)
    assert field in error(response, 400, "invalid")["fields"]
    assert stored_state() == before


def test_reject_needs_a_reason_and_mails_the_applicant(enterprise_a, enterprise_admin, reviewer, conditional,
                                                      apply_as, post_as):
    application = apply_as(enterprise_admin, enterprise_a.organization, conditional).json()
    url = f"{APPLICATIONS}{application['id']}/reject/"
    assert "reason" in error(post_as(reviewer, url, {"reason": " "}), 400, "invalid")["fields"]
    response = post_as(reviewer, url, {"reason": "用途描述不清"})
    assert response.status_code == 200 and response.json()["decision_reason"] == "用途描述不清"
    assert "用途描述不清" in mail.outbox[-1].body and enterprise_admin.email in mail.outbox[-1].to


# --- reports and renewal -------------------------------------------------------------

def test_renewal_needs_a_usage_report_which_shows_on_the_dataset(granted, enterprise_admin, conditional, post_as,
                                                               api, client):
    _application, grant = granted
    renew = f"{GRANTS}{grant['id']}/renew/"
    period = {"period_start": days(25), "period_end": days(120), "terms_accepted": True}
    error(post_as(enterprise_admin, renew, period), 409, "usage_report_required")

    response = post_as(enterprise_admin, REPORTS, {"grant": grant["id"], "title": "公交优化看板",
                                                   "description": "用出行数据优化线路", "url": "https://example.org/a"})
    assert response.status_code == 201, response.content
    assert api.get(REPORTS).json()["results"][0]["title"] == "公交优化看板"
    page = client.get(f"/datasets/{conditional.identifier}/").content.decode()
    assert "数据应用成果" in page and "公交优化看板" in page

    response = post_as(enterprise_admin, renew, period)
    assert response.status_code == 201, response.content
    assert response.json()["renewal_of"] == grant["id"] and response.json()["purpose"] == "交通出行研究"


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "", "description": "d"}, "title"),
    ({"title": "t", "description": "d", "url": "javascript:alert(1)"}, "url"),
])
def test_bad_usage_reports_are_400(granted, enterprise_admin, post_as, body, field):
    response = post_as(enterprise_admin, REPORTS, {"grant": granted[1]["id"], **body})
    assert field in error(response, 400, "invalid")["fields"]
    assert UsageReport.objects.count() == 0


def test_other_enterprises_cannot_report_on_a_grant(granted, other_admin, enterprise_b, post_as):
    response = post_as(other_admin, REPORTS, {"grant": granted[1]["id"], "title": "t", "description": "d"})
    error(response, 404, "not_found")
    assert UsageReport.objects.count() == 0


def test_grants_are_listed_only_to_those_involved(granted, enterprise_admin, reviewer, other_admin, other_reviewer,
                                                  staff, enterprise_b):
    def ids(user):
        return [item["id"] for item in session_client(user).get(GRANTS).json()["results"]]
    grant_id = granted[1]["id"]
    assert ids(enterprise_admin) == ids(reviewer) == ids(staff) == [grant_id]
    assert ids(other_admin) == ids(other_reviewer) == []
