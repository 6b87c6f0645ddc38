"""The audit log records refused attempts at conditional data, key events and data queries, at a bounded rate.

Refusals (401/403) to a key, a session or an anonymous caller on downloads and datastore
endpoints are written; a flood of them by one caller on one dataset is one entry a minute
plus a summary counting the rest (manage.py flush_audit_repeats). Keys issued, revoked and
rotated are written; datastore rows and aggregates are data queries, exports downloads.
"""
import pytest
from django.core.management import call_command
from django.test import Client

from apikeys_support import key_client, session_client
from audit.models import AuditEntry
from datastore_support import add_table, content

pytestmark = pytest.mark.django_db

ROWS = "/api/v1/resources/{}/rows/"
AGGREGATE = "/api/v1/resources/{}/aggregate/"
EXPORT = "/download/resources/{}/data.csv"
KEYS = "/api/v1/keys/"
Action = AuditEntry.Action


def refusals(dataset):
    return AuditEntry.objects.filter(action=Action.DATA_REFUSED, dataset_identifier=dataset.identifier)


def fetch(client, url):
    response = client.get(url)
    content(response)  # read to the end: the response closes, and is audited, then
    return response


def flush():
    call_command("flush_audit_repeats", "--now")


def prefix(token):
    return token.split(".", 1)[0]


@pytest.fixture
def table(django_capture_on_commit_callbacks, publisher, conditional):
    return add_table(django_capture_on_commit_callbacks, publisher, conditional)


def test_refusals_on_conditional_data_are_recorded_for_each_caller(conditional, citizen, data_key, enterprise_admin,
                                                                   graded_datasets, table):
    resource = conditional.resources.order_by("pk").first()
    signed_in = Client()
    signed_in.force_login(citizen)
    assert fetch(Client(), f"/download/resources/{resource.pk}/").status_code == 403
    assert fetch(signed_in, f"/download/datasets/{conditional.identifier}/zip/").status_code in (403,)
    assert fetch(key_client(data_key), ROWS.format(table.pk)).status_code == 403
    entries = list(refusals(conditional).order_by("id"))
    assert [(e.actor_username, e.key_prefix, e.detail["status"], e.detail["code"]) for e in entries] == [
        ("", "", 403, "application_required"),
        (citizen.username, "", 403, "application_required"),
        (enterprise_admin.username, prefix(data_key), 403, "grant_required"),
    ]
    assert entries[0].ip_address and entries[2].resource_id == table.pk
    # Hidden and open data are no refusal of conditional data: nothing more is written.
    assert fetch(Client(), f"/download/resources/{graded_datasets['restricted'].resources.get().pk}/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.DATA_REFUSED).count() == 3


def test_a_revoked_key_is_recorded_by_its_prefix(conditional, data_key, enterprise_admin, table):
    key_id = next(k["id"] for k in session_client(enterprise_admin).get(KEYS).json() if k["prefix"] == prefix(data_key))
    assert session_client(enterprise_admin).post(f"{KEYS}{key_id}/revoke/").status_code == 200
    response = fetch(key_client(data_key), EXPORT.format(table.pk))
    assert response.status_code == 401
    entry = refusals(conditional).get()
    assert (entry.key_prefix, entry.detail["status"], entry.detail["code"]) == (prefix(data_key), 401, "key_revoked")


def represented(entries):
    """(entries written at once, attempts they stand for): a summary stands for its repeats."""
    firsts = [e for e in entries if "repeats" not in e.detail]
    return len(firsts), len(firsts) + sum(e.detail.get("repeats", 0) for e in entries)


def test_a_flood_of_refusals_is_one_entry_a_minute_and_a_count(conditional, citizen, table):
    client = Client()
    client.force_login(citizen)
    for _ in range(25):
        assert fetch(client, ROWS.format(table.pk)).status_code == 403
    written, _ = represented(refusals(conditional))
    assert written <= 2 and refusals(conditional).count() == written  # one per clock minute the flood spans
    flush()
    entries = list(refusals(conditional).order_by("id"))
    assert represented(entries) == (written, 25)
    summary = entries[-1]
    assert summary.detail["first_entry"] == entries[-2].pk and summary.actor_username == citizen.username
    flush()  # nothing counted twice
    assert refusals(conditional).count() == len(entries)
    # Another caller on the same dataset is not a repeat of this one.
    assert fetch(Client(), f"/download/resources/{table.pk}/").status_code == 403
    assert refusals(conditional).filter(key_prefix="", actor_username="").count() == 1


def test_key_events_are_recorded(enterprise_a, enterprise_admin):
    client = session_client(enterprise_admin)
    issued = client.post(KEYS, {"name": "报表密钥", "scopes": ["catalog:read"],
                                "organization": enterprise_a.organization.slug}, format="json")
    assert issued.status_code == 201, issued.content
    key = issued.json()
    rotated = client.post(f"{KEYS}{key['id']}/rotate/", {"grace_hours": 1}, format="json")
    assert rotated.status_code in (200, 201), rotated.content
    new = rotated.json()
    assert client.post(f"{KEYS}{new['id']}/revoke/").status_code == 200
    entries = AuditEntry.objects.filter(action__startswith="key_").order_by("id")
    assert [(e.action, e.key_prefix, e.actor_username, e.organization_label) for e in entries] == [
        (Action.KEY_ISSUED, key["prefix"], enterprise_admin.username, enterprise_a.organization.name_zh),
        (Action.KEY_ROTATED, new["prefix"], enterprise_admin.username, enterprise_a.organization.name_zh),
        (Action.KEY_REVOKED, new["prefix"], enterprise_admin.username, enterprise_a.organization.name_zh),
    ]
    assert entries[1].detail["replaces"] == key["prefix"]


def test_datastore_reads_are_data_queries_and_exports_downloads(granted, data_key, conditional, table):
    client = key_client(data_key)
    for url in (ROWS, AGGREGATE, ROWS, EXPORT):
        assert fetch(client, url.format(table.pk)).status_code == 200
    queries = AuditEntry.objects.filter(action=Action.DATA_QUERY, resource=table)
    written, _ = represented(queries)
    assert written <= 2 and queries.count() == written and all(entry.bytes > 0 for entry in queries)
    assert AuditEntry.objects.filter(action=Action.DATA_DOWNLOAD, resource=table).count() == 1
    flush()
    assert represented(queries.all()) == (written, 3)
    assert all(entry.bytes > 0 for entry in queries.all())
