"""Usage metering and the key pages, from the outside: calls counted once, charts, tables, quotas."""
import re

import pytest
from django.core.management import call_command
from django.test import Client

from apikeys.models import ApiKey
from apikeys_support import KEYS, issue, key_client, session_client

pytestmark = pytest.mark.django_db

USAGE = f"{KEYS}usage/"


def flush():
    call_command("flush_api_usage")


@pytest.fixture(autouse=True)
def empty_buffer():
    """Records left in Redis by earlier tests belong to keys that no longer exist: flush them away."""
    flush()


def test_keyed_calls_are_metered_once_by_endpoint_status_and_dataset(enterprise, enterprise_admin, graded_datasets):
    token = issue(enterprise_admin, organization=enterprise)["token"]
    client = key_client(token)
    for _ in range(3):
        assert client.get("/api/v1/datasets/bus-routes/").status_code == 200
    assert client.get("/api/v1/datasets/signal-control/").status_code == 404
    download = client.get(f"/download/resources/{graded_datasets['open'].resources.first().pk}/")
    size = len(b"".join(download.streaming_content))
    Client().get("/api/v1/datasets/bus-routes/")  # anonymous: not metered
    flush()
    flush()  # a second flush finds nothing new: nothing counted twice
    usage = session_client(enterprise_admin).get(USAGE).json()
    assert usage["total_calls"] == 5
    assert {(row["endpoint"], row["calls"]) for row in usage["endpoints"]} == {
        ("api-dataset-detail", 4), ("resource-download", 1)}
    assert {(row["status"], row["calls"]) for row in usage["statuses"]} == {(200, 4), (404, 1)}
    assert usage["daily"][-1]["calls"] == 5 and usage["daily"][-1]["bytes"] >= size
    key = ApiKey.objects.get()
    rows = {(row.endpoint, row.status, row.dataset): row.calls for row in key.usage.all()}
    # The restricted dataset a key may not see is not named in its usage.
    assert rows == {("api-dataset-detail", 200, "bus-routes"): 3, ("api-dataset-detail", 404, ""): 1,
                    ("resource-download", 200, "bus-routes"): 1}
    assert key.last_used_at is not None


def test_refused_keys_are_not_metered(citizen, graded_datasets):
    issued = issue(citizen)
    session_client(citizen).post(f"{KEYS}{issued['id']}/revoke/")
    key_client(issued["token"]).get("/api/v1/datasets/bus-routes/")
    flush()
    assert session_client(citizen).get(USAGE).json()["total_calls"] == 0


def test_each_sees_own_usage_and_staff_everyones(enterprise, enterprise_admin, citizen, staff, graded_datasets):
    key_client(issue(enterprise_admin, organization=enterprise)["token"]).get("/api/v1/datasets/bus-routes/")
    key_client(issue(citizen)["token"]).get("/api/v1/licences/")
    flush()
    assert session_client(citizen).get(USAGE).json()["total_calls"] == 1
    assert session_client(enterprise_admin).get(USAGE).json()["total_calls"] == 1
    assert session_client(citizen).get(USAGE, {"everyone": "1"}).json()["total_calls"] == 1
    assert session_client(staff).get(USAGE, {"everyone": "1"}).json()["total_calls"] == 2
    assert session_client(staff).get(USAGE, {"days": "0"}).status_code == 400


def test_usage_page_shows_chart_tables_and_quota(enterprise, enterprise_admin, staff, graded_datasets):
    issued = issue(enterprise_admin, organization=enterprise, name="同步任务")
    key_client(issued["token"]).get("/api/v1/datasets/bus-routes/")
    flush()
    client = Client()
    client.force_login(enterprise_admin)
    page = client.get("/keys/usage/?days=7").content.decode()
    assert "<svg" in page and "api-dataset-detail" in page and issued["prefix"] in page
    assert "<script" not in page.split("<main", 1)[1]  # no inline script (CSP)
    client.force_login(staff)
    assert issued["prefix"] in client.get("/keys/usage/?everyone=1").content.decode()
    assert Client().get("/keys/usage/").status_code == 302


# --- key pages ----------------------------------------------------------------------------

def test_pages_issue_show_once_rotate_and_revoke(enterprise, enterprise_admin, graded_datasets):
    client = Client()
    client.force_login(enterprise_admin)
    form = client.get("/keys/new/").content.decode()
    assert enterprise.name_zh in form
    response = client.post("/keys/new/", {"name": "网页密钥", "organization": str(enterprise.pk),
                                          "scopes": ["catalog:read", "data:read"], "allowed_networks": ""})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = re.search(r'id="token"[^>]*>(cdp_[0-9a-f]{12}\.[A-Za-z0-9_-]{43})<', response.content.decode())[1]
    assert key_client(token).get("/api/v1/datasets/bus-routes/").status_code == 200
    listing = client.get("/keys/").content.decode()
    key = ApiKey.objects.get()
    assert key.prefix in listing and token.split(".")[1] not in listing

    rotated = client.post(f"/keys/{key.pk}/rotate/", {"grace_hours": "1"})
    new_token = re.search(r'id="token"[^>]*>(cdp_[^<]+)<', rotated.content.decode())[1]
    assert new_token != token and key_client(token).get("/api/v1/licences/").status_code == 200

    client.post(f"/keys/{key.pk}/revoke/")
    assert key_client(token).get("/api/v1/licences/").json()["error"]["code"] == "key_revoked"
    assert key_client(new_token).get("/api/v1/licences/").status_code == 200


def test_page_form_shows_service_errors(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.post("/keys/new/", {"name": "x", "organization": "", "scopes": ["data:read"],
                                          "allowed_networks": "not-an-ip"})
    page = response.content.decode()
    assert response.status_code == 200 and "not-an-ip" in page and "errorlist" in page
    assert not ApiKey.objects.exists()


def test_english_pages(citizen):
    client = Client()
    client.force_login(citizen)
    assert client.get("/en/keys/").status_code == 200
    assert client.get("/en/keys/usage/").status_code == 200


def test_streamed_zip_is_metered_with_its_bytes_once_sent(enterprise, enterprise_admin, graded_datasets):
    token = issue(enterprise_admin, organization=enterprise)["token"]
    response = key_client(token).get("/download/datasets/bus-routes/zip/")
    assert response.status_code == 200 and not response.has_header("Content-Length")
    size = len(b"".join(response.streaming_content))  # the test client closes it once consumed
    flush()
    row = ApiKey.objects.get().usage.get()
    assert (row.endpoint, row.dataset, row.calls, row.bytes) == ("dataset-download-zip", "bus-routes", 1, size)
