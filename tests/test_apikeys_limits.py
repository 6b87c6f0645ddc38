"""Rate limits and quotas against the real Redis: each window, anonymous callers, several processes."""
import json
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from apikeys.models import ApiKey, Plan
from apikeys_support import error, issue, key_client, session_client
from server_support import gunicorn, http_get, run_python, server_database, server_environment

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/datasets/bus-routes/"


def limited_key(holder, organization=None, **limits):
    """A key on a plan an admin configured with `limits` (the rest generous)."""
    values = {"burst_per_second": 1000, "requests_per_minute": 1000, "daily_quota": 100000, **limits}
    plan = Plan.objects.create(code=f"test-{secrets.token_hex(4)}", name_zh="测试套餐", **values)
    issued = issue(holder, organization=organization)
    ApiKey.objects.filter(pk=issued["id"]).update(plan=plan)
    return issued["token"]


@pytest.mark.parametrize("limits, window", [
    ({"burst_per_second": 3}, "burst"),
    ({"requests_per_minute": 3}, "minute"),
    ({"daily_quota": 3}, "daily"),
])
def test_each_window_refuses_with_429_naming_it(citizen, graded_datasets, limits, window):
    client = key_client(limited_key(citizen, **limits))
    # Burst windows are one second: a slow machine may start a fresh one mid-way, so only the
    # minute and daily counts are exact; the burst test only needs to see a refusal at all.
    responses = [client.get(DETAIL) for _ in range(3 if window != "burst" else 40)]
    refused = [r for r in responses if r.status_code == 429]
    if window != "burst":
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert [int(r["RateLimit-Remaining"]) for r in responses] == [2, 1, 0]
        refused = [client.get(DETAIL)]
    assert refused, "never refused"
    body = error(refused[0], 429, "rate_limited")
    assert body["limit"] == window
    assert int(refused[0]["Retry-After"]) >= 1 and refused[0]["RateLimit-Remaining"] == "0"


def test_daily_quota_shows_in_usage_quota(citizen, graded_datasets):
    token = limited_key(citizen, daily_quota=5)
    for _ in range(2):
        key_client(token).get(DETAIL)
    quota = session_client(citizen).get("/api/v1/keys/usage/").json()["quota"]
    assert [(q["daily_quota"], q["used"], q["remaining"]) for q in quota] == [(5, 2, 3)]


def test_anonymous_callers_are_limited_per_ip(api, graded_datasets):
    limits = {"burst_per_second": 1000, "requests_per_minute": 2, "daily_quota": 1000}
    first, second = (f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}" for _ in range(2))
    with override_settings(APIKEYS_ANONYMOUS_LIMITS=limits):
        assert [api.get(DETAIL, REMOTE_ADDR=first).status_code for _ in range(2)] == [200, 200]
        body = error(api.get(DETAIL, REMOTE_ADDR=first), 429, "rate_limited")
        assert body["limit"] == "minute"
        assert api.get(DETAIL, REMOTE_ADDR=second).status_code == 200
        # Guessing keys counts against the guesser's IP too.
        api.credentials(HTTP_AUTHORIZATION="Api-Key cdp_0123456789ab." + "C" * 43)
        error(api.get(DETAIL, REMOTE_ADDR=second), 401, "key_unknown")
        error(api.get(DETAIL, REMOTE_ADDR=second), 429, "rate_limited")


def test_downloads_are_limited_too(citizen, graded_datasets):
    client = key_client(limited_key(citizen, requests_per_minute=1))
    url = f"/download/resources/{graded_datasets['open'].resources.first().pk}/"
    first = client.get(url)
    assert first.status_code == 200 and first["RateLimit-Remaining"] == "0"
    b"".join(first.streaming_content)
    error(client.get(url), 429, "rate_limited")


# --- several processes (tests/server_support.py: gunicorn with a database of its own) -------

SEED = """
import django, json, sys
django.setup()
from apikeys_support import seed_limited_key
print(json.dumps(seed_limited_key(int(sys.argv[1]))))
"""


@pytest.fixture
def gunicorn_server(tmp_path):
    """(base URL, server environment, log path) of gunicorn with 3 workers on a free loopback port."""
    with server_database("multiprocess") as url:
        env = server_environment(url, tmp_path / "media")
        log_path = tmp_path / "gunicorn.log"
        with gunicorn(env, log_path) as base:
            yield base, env, log_path


def test_exactly_n_of_3n_concurrent_requests_pass_across_worker_processes(gunicorn_server):
    base, env, log_path = gunicorn_server
    n = 10
    token, identifier = json.loads(run_python(env, SEED, str(n)))
    headers = {"Authorization": f"Api-Key {token}"}
    url = f"{base}/api/v1/datasets/{identifier}/"

    with ThreadPoolExecutor(max_workers=3 * n) as pool:
        results = list(pool.map(lambda _: http_get(url, headers), range(3 * n)))
    statuses = sorted(status for status, _headers, _body in results)
    assert statuses == [200] * n + [429] * (2 * n), log_path.read_text()[-3000:]
    for status, response_headers, body in results:
        if status == 429:
            assert json.loads(body)["error"]["limit"] == "minute" and int(response_headers["Retry-After"]) >= 1


@pytest.mark.parametrize("method, path", [("post", "/api/v1/datasets/"), ("get", "/api/v1/no-such-thing/")])
def test_refusals_before_the_throttle_still_carry_headers(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code in (401, 403, 404) and "RateLimit-Remaining" in response
