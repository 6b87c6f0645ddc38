"""Redis stopped: the rate limiter fails open with a log line, caches and sessions degrade without a 500,
work sent while the broker is down runs in-process, and once Redis is back work goes to the worker again.

The server and its Celery worker use a private redis-server (tests/fault_support.py) as cache,
rate limiter and broker; the test kills it (like a crash) and starts a new one on the same port.
"""
import json
import uuid

import pytest
import requests
from celery_support import WorkerPool
from fault_support import SEED, csv_of, poll, private_redis
from server_support import gunicorn, run_python, server_database, server_environment

from portal.settings.queues import queue_name

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """(base URL, seeded facts, the private Redis, gunicorn's log path), with a worker on the server's queue."""
    directory = tmp_path_factory.mktemp("redis-fault")
    queue = f"fault-{uuid.uuid4().hex[:10]}"
    with private_redis(directory) as redis, server_database(f"redis_{directory.name}") as url:
        settings = {"REDIS_URL": redis.url, "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_TASK_DEFAULT_QUEUE": queue}
        env = server_environment(url, directory / "media", **settings)
        log_path = directory / "gunicorn.log"
        with gunicorn(env, log_path, workers=2) as base:
            seeded = json.loads(run_python(env, SEED))
            # The upload's table load goes to the datastore queue of this server's prefix (portal/settings/queues.py).
            pool = WorkerPool(f"{queue},{queue_name(queue, 'datastore')}", {**settings, "DATABASE_URL": url, "TEST_MEDIA_ROOT": str(directory / "media")})
            pool.start()
            try:
                yield base, seeded, redis, log_path
            finally:
                pool.stop()


def keyed(seeded):
    return {"Authorization": f"Token {seeded['token']}"}


def upload(base, seeded, name):
    response = requests.post(f"{base}/api/v1/datasets/bus-stops/resources/", headers=keyed(seeded),
                             files={"file": (name, csv_of(4096))}, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def load_status(base, seeded, resource_id):
    body = requests.get(f"{base}/api/v1/resources/{resource_id}/datastore/", headers=keyed(seeded), timeout=60).json()
    return body["latest"] and body["latest"]["status"]


def test_redis_stopped_degrades_without_500s_and_work_resumes_when_it_returns(redis_server):
    base, seeded, redis, log_path = redis_server
    assert "RateLimit-Limit" in requests.get(f"{base}/api/v1/datasets/", timeout=60).headers
    redis.stop()

    # The limiter fails open: answered, without RateLimit-* headers, and the log says so.
    response = requests.get(f"{base}/api/v1/datasets/", timeout=60)
    assert response.status_code == 200 and "RateLimit-Limit" not in response.headers
    poll(lambda: "Rate limiter unavailable, request let through" in log_path.read_text(), what="the limiter's log line")

    # Caches (login failure counts included) miss; sessions live in the database and still work.
    browser = requests.Session()
    for path in ("/", "/en/", "/datasets/", "/accounts/login/"):
        assert browser.get(base + path, timeout=60).status_code == 200, path
    token = browser.cookies["csrftoken"]
    login = {"csrfmiddlewaretoken": token, "login": "publisher", "password": "wrong"}
    refused = browser.post(f"{base}/accounts/login/", data=login, headers={"Referer": f"{base}/accounts/login/"},
                           timeout=60)
    assert refused.status_code == 200 and 'name="password"' in refused.text
    signed_in = browser.post(f"{base}/accounts/login/", data={**login, "password": "pw-publisher"},
                             headers={"Referer": f"{base}/accounts/login/"}, timeout=60, allow_redirects=False)
    assert signed_in.status_code == 302
    assert browser.get(f"{base}/datasets/-/mine/", timeout=60).status_code == 200

    health = requests.get(f"{base}/healthz", timeout=60)
    assert health.status_code == 503 and set(health.json()["failing"]) == {"cache", "broker"}

    # The broker is down: the upload is stored and its datastore load runs in the request instead.
    offline = upload(base, seeded, "offline.csv")
    assert load_status(base, seeded, offline) == "ready"

    redis.start()  # a new, empty Redis on the same port; nothing is restarted
    poll(lambda: requests.get(f"{base}/healthz", timeout=60).json()["failing"] == [], what="/healthz all ok")
    online = upload(base, seeded, "online.csv")
    poll(lambda: load_status(base, seeded, online) == "ready", what="the worker loading the table")
    assert "RateLimit-Limit" in requests.get(f"{base}/api/v1/datasets/", timeout=60).headers
