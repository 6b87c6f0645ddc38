"""API keys from the outside: issuing, every refusal code, scopes, grades, rotation, revocation, logs."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys_support import KEYS, add_member, error, issue, key_client, make_enterprise, session_client

pytestmark = pytest.mark.django_db

ALL_SCOPES = ("catalog:read", "data:read", "contributions:write")


def detail(identifier):
    return f"/api/v1/datasets/{identifier}/"


def download(dataset):
    return f"/download/resources/{dataset.resources.first().pk}/"


def snapshot():
    return list(ApiKey.objects.order_by("pk").values())


# --- issuing -----------------------------------------------------------------------------

def test_enterprise_member_issues_key_shown_once_and_stored_hashed(enterprise, enterprise_admin, make_user, staff):
    member = make_user("member")
    add_member(staff, enterprise, member)
    issued = issue(member, scopes=ALL_SCOPES, organization=enterprise, allowed_networks=["127.0.0.1"])
    token = issued["token"]
    assert token.startswith(issued["prefix"] + ".")
    assert issued["organization"] == enterprise.slug and issued["plan"]["code"] == "standard"
    stored = ApiKey.objects.get(prefix=issued["prefix"])
    assert token.split(".")[1] not in (stored.secret_hash, stored.salt)
    # Never again: neither the list nor the detail carries the token.
    listed = session_client(member).get(KEYS).json()
    assert [k["prefix"] for k in listed] == [issued["prefix"]] and "token" not in listed[0]
    assert "token" not in session_client(member).get(f"{KEYS}{issued['id']}/").json()
    # The enterprise's admin sees it too.
    assert [k["prefix"] for k in session_client(enterprise_admin).get(KEYS).json()] == [issued["prefix"]]


def test_individual_key_is_lower_tier(citizen):
    issued = issue(citizen)
    assert issued["organization"] is None and issued["plan"]["code"] == "free"
    response = session_client(citizen).post(KEYS, {"name": "x", "scopes": ["data:read"]}, format="json")
    assert "scopes" in error(response, 400, "invalid")["fields"]


@pytest.mark.parametrize("body, field", [
    ({"name": "", "scopes": ["catalog:read"]}, "name"),
    ({"name": "x", "scopes": []}, "scopes"),
    ({"name": "x", "scopes": ["admin:all"]}, "scopes"),
    ({"name": "x", "scopes": ["catalog:read"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ({"name": "x", "scopes": ["catalog:read"], "allowed_networks": ["10.0.0.0/33"]}, "allowed_networks"),
    ({"name": "x", "scopes": ["catalog:read"], "organization": "no-such-org"}, "organization"),
])
def test_bad_key_requests_are_400_naming_the_field(citizen, body, field):
    response = session_client(citizen).post(KEYS, body, format="json")
    assert field in error(response, 400, "invalid")["fields"]
    assert not ApiKey.objects.exists()


def test_unverified_enterprise_and_outsiders_cannot_issue(make_user, staff, citizen, enterprise, api):
    founder = make_user("founder")
    pending = make_enterprise(founder, staff, verified=False)
    body = {"name": "x", "scopes": ["catalog:read"]}
    error(session_client(founder).post(KEYS, {**body, "organization": pending.slug}, format="json"), 403,
          "permission_denied")
    error(session_client(citizen).post(KEYS, {**body, "organization": enterprise.slug}, format="json"), 403,
          "permission_denied")
    assert api.post(KEYS, body, format="json").status_code in (401, 403)
    assert not ApiKey.objects.exists()


# --- using a key ---------------------------------------------------------------------------

def test_valid_key_reads_catalog_with_rate_limit_headers(citizen, graded_datasets):
    response = key_client(issue(citizen)["token"]).get(detail("bus-routes"))
    assert response.status_code == 200
    for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert int(response[header]) >= 0


def test_anonymous_responses_carry_rate_limit_headers(api, graded_datasets):
    response = api.get(detail("bus-routes"))
    assert response.status_code == 200 and "RateLimit-Remaining" in response


@pytest.mark.parametrize("header, code", [
    ("Api-Key", "key_malformed"),
    ("Api-Key not-a-key", "key_malformed"),
    ("Api-Key cdp_0123456789ab.short", "key_malformed"),
    ("Api-Key cdp_0123456789ab." + "A" * 43, "key_unknown"),
])
def test_malformed_and_unknown_keys_are_401(api, graded_datasets, header, code):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get(detail("bus-routes"))
    error(response, 401, code)
    assert response["WWW-Authenticate"].startswith("Api-Key")


def test_right_prefix_wrong_secret_is_unknown(citizen, graded_datasets):
    prefix = issue(citizen)["prefix"]
    error(key_client(f"{prefix}.{'B' * 43}").get(detail("bus-routes")), 401, "key_unknown")


def test_key_in_query_string_is_refused(citizen, graded_datasets, api):
    token = issue(citizen)["token"]
    error(api.get(detail("bus-routes"), {"api_key": token}), 400, "key_in_url")
    error(api.get(download(graded_datasets["open"]), {"api_key": token}), 400, "key_in_url")


def test_expired_and_revoked_keys_are_401_and_change_nothing(citizen, graded_datasets):
    expired = issue(citizen, expires_at=(timezone.now() + timedelta(days=1)).isoformat())
    ApiKey.objects.filter(pk=expired["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = issue(citizen, name="revoked")
    assert session_client(citizen).post(f"{KEYS}{revoked['id']}/revoke/").json()["status"] == "revoked"
    before = snapshot()
    error(key_client(expired["token"]).get(detail("bus-routes")), 401, "key_expired")
    error(key_client(revoked["token"]).get(detail("bus-routes")), 401, "key_revoked")
    assert snapshot() == before


def test_key_from_outside_its_networks_is_403(enterprise, enterprise_admin, graded_datasets):
    issued = issue(enterprise_admin, organization=enterprise, allowed_networks=["203.0.113.0/24"])
    error(key_client(issued["token"]).get(detail("bus-routes")), 403, "key_ip_not_allowed")
    inside = key_client(issued["token"], REMOTE_ADDR="203.0.113.9").get(detail("bus-routes"))
    assert inside.status_code == 200


def test_missing_scope_is_403_naming_it(enterprise, enterprise_admin, graded_datasets):
    token = issue(enterprise_admin, organization=enterprise, scopes=["contributions:write"])["token"]
    body = error(key_client(token).get(detail("bus-routes")), 403, "scope_missing")
    assert "catalog:read" in body["message"]
    body = error(key_client(token).get(download(graded_datasets["open"])), 403, "scope_missing")
    assert "data:read" in body["message"]


@pytest.mark.parametrize("grade, status", [("open", 200), ("conditional", 200), ("restricted", 404), ("draft", 404)])
def test_grades_hold_for_keyed_reads(enterprise, enterprise_admin, graded_datasets, grade, status):
    token = issue(enterprise_admin, organization=enterprise, scopes=ALL_SCOPES)["token"]
    response = key_client(token).get(detail(graded_datasets[grade].identifier))
    assert response.status_code == status


@pytest.mark.parametrize("grade, status", [("open", 200), ("conditional", 403), ("restricted", 404)])
def test_grades_hold_for_keyed_downloads(enterprise, enterprise_admin, graded_datasets, grade, status):
    token = issue(enterprise_admin, organization=enterprise, scopes=ALL_SCOPES)["token"]
    response = key_client(token).get(download(graded_datasets[grade]))
    assert response.status_code == status
    if response.streaming:
        b"".join(response.streaming_content)


def test_key_carries_no_staff_or_department_powers(staff, publisher, graded_datasets):
    """A key issued by someone who may see everything still sees only the public catalog."""
    for holder in (staff, publisher):
        token = issue(holder, name=holder.username)["token"]
        assert key_client(token).get(detail("signal-control")).status_code == 404
        listed = key_client(token).get("/api/v1/datasets/", {"state": "draft"}).json()
        assert listed["count"] == 0


def test_keys_cannot_write_or_manage_keys(enterprise, enterprise_admin, graded_datasets):
    token = issue(enterprise_admin, organization=enterprise, scopes=ALL_SCOPES)["token"]
    client = key_client(token)
    error(client.post("/api/v1/datasets/", {"identifier": "x", "title": "x"}, format="json"), 403,
          "key_not_accepted")
    error(client.get(KEYS), 403, "key_not_accepted")
    error(client.post(KEYS, {"name": "x", "scopes": ["catalog:read"]}, format="json"), 403, "key_not_accepted")
    assert ApiKey.objects.count() == 1


# --- revoke and rotate ----------------------------------------------------------------------

def test_rotation_keeps_old_key_during_grace_then_refuses_it(enterprise, enterprise_admin, graded_datasets):
    old = issue(enterprise_admin, organization=enterprise)
    response = session_client(enterprise_admin).post(f"{KEYS}{old['id']}/rotate/", {"grace_hours": 2}, format="json")
    assert response.status_code == 201
    new = response.json()
    assert new["token"] != old["token"] and new["scopes"] == old["scopes"]
    assert key_client(new["token"]).get(detail("bus-routes")).status_code == 200
    assert key_client(old["token"]).get(detail("bus-routes")).status_code == 200
    assert session_client(enterprise_admin).get(f"{KEYS}{old['id']}/").json()["status"] == "grace"
    error(session_client(enterprise_admin).post(f"{KEYS}{old['id']}/rotate/", {}, format="json"), 409, "conflict")
    ApiKey.objects.filter(pk=old["id"]).update(grace_until=timezone.now() - timedelta(seconds=1))
    error(key_client(old["token"]).get(detail("bus-routes")), 401, "key_revoked")
    assert key_client(new["token"]).get(detail("bus-routes")).status_code == 200


def test_bad_grace_period_is_400(citizen):
    issued = issue(citizen)
    response = session_client(citizen).post(f"{KEYS}{issued['id']}/rotate/", {"grace_hours": 1000}, format="json")
    assert "grace_hours" in error(response, 400, "invalid")["fields"]


def test_who_may_revoke(enterprise, enterprise_admin, make_user, staff, citizen):
    member, other = make_user("member"), make_user("other_member")
    add_member(staff, enterprise, member)
    add_member(staff, enterprise, other)
    issued = issue(member, organization=enterprise)
    url = f"{KEYS}{issued['id']}/revoke/"
    error(session_client(citizen).post(url), 404, "not_found")
    error(session_client(other).post(url), 403, "permission_denied")
    assert session_client(enterprise_admin).post(url).status_code == 200
    error(session_client(member).post(url), 409, "conflict")


# --- logs --------------------------------------------------------------------------------

def test_secret_never_reaches_the_logs(citizen, graded_datasets, caplog, api):
    token = issue(citizen)["token"]
    secret = token.split(".")[1]
    with caplog.at_level(logging.DEBUG):
        key_client(token).get(detail("bus-routes"))
        key_client(token).post("/api/v1/datasets/", {}, format="json")
        key_client(token[:-1] + ("A" if token[-1] != "A" else "B")).get(detail("bus-routes"))
        api.get(detail("bus-routes"), {"api_key": token})
    assert caplog.records  # the refusals above are logged (as warnings) ...
    assert secret not in caplog.text  # ... without the secret
