"""PostgreSQL stopped mid-traffic: clean 503s with Retry-After, /healthz names the database, and the
portal recovers by itself when the database is back (gunicorn is never restarted).

The server runs on a private PostgreSQL cluster (tests/fault_support.py) that the test stops with
`pg_ctl stop -m immediate`, as a crash would, while client threads keep sending requests.
"""
import json
import threading

import pytest
from fault_support import poll, private_postgres
from server_support import gunicorn, http_get, server_environment

pytestmark = pytest.mark.slow

# Pages, the API and the login page with a session cookie (sessions live in the database).
TRAFFIC = ["/", "/en/", "/datasets/", "/api/v1/datasets/", "/api/v1/organizations/"]
SESSION = {"Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv"}


@pytest.fixture(scope="module")
def database_server(tmp_path_factory):
    """(base URL, the private PostgreSQL, gunicorn's log path)."""
    directory = tmp_path_factory.mktemp("database-fault")
    with private_postgres() as postgres:
        env = server_environment(postgres.url, directory / "media")
        log_path = directory / "gunicorn.log"
        with gunicorn(env, log_path, workers=2) as base:
            yield base, postgres, log_path


class Traffic:
    """Client threads requesting TRAFFIC in a loop; every answer's status is kept."""

    def __init__(self, base, threads=3):
        self.base, self.statuses, self.running = base, [], threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(n,)) for n in range(threads)]

    def _loop(self, offset):
        n = offset
        while self.running.is_set():
            status, _, _ = http_get(self.base + TRAFFIC[n % len(TRAFFIC)])
            self.statuses.append(status)
            n += 1

    def __enter__(self):
        self.running.set()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running.clear()
        for thread in self.threads:
            thread.join()


def assert_clean(body):
    text = body.decode()
    for leak in ("Traceback", "SELECT", "psycopg", "OperationalError", "127.0.0.1"):
        assert leak not in text, text


def test_database_stopped_mid_traffic_answers_503_then_recovers(database_server):
    base, postgres, log_path = database_server
    assert http_get(f"{base}/api/v1/datasets/")[0] == 200

    with Traffic(base) as traffic:
        poll(lambda: len(traffic.statuses) >= 10, what="traffic before the outage")
        postgres.stop()
        poll(lambda: traffic.statuses[-3:] == [503] * 3, what="503s once the database stopped")
        outage_statuses = set(traffic.statuses)
    assert outage_statuses <= {200, 503}, outage_statuses  # never a 500, not even mid-request

    # With a session (read from the database): this catalog is empty, and an anonymous empty page is
    # answered from its cached count (datasets/catalog_counts.py) without the database.
    status, headers, body = http_get(f"{base}/api/v1/datasets/", SESSION)
    assert (status, headers["Content-Type"]) == (503, "application/json")
    assert int(headers["Retry-After"]) > 0
    assert json.loads(body)["error"]["code"] == "service_unavailable"
    assert_clean(body)

    status, headers, body = http_get(f"{base}/datasets/", {"Accept": "application/json", **SESSION})
    assert status == 503 and json.loads(body)["error"]["message"] == "数据库暂时不可用，请稍后再试。"

    for path, language, text in [("/datasets/", "zh-Hans", "数据库暂时不可用"),
                                 ("/en/datasets/", "en", "The database is temporarily unavailable"),
                                 ("/accounts/login/", "zh-Hans", "数据库暂时不可用")]:
        status, headers, body = http_get(base + path, SESSION)
        assert (status, headers["Content-Type"].split(";")[0]) == (503, "text/html"), path
        assert headers["Retry-After"] and f'lang="{language}"' in body.decode() and text in body.decode(), path
        assert_clean(body)

    status, _, body = http_get(f"{base}/healthz")
    health = json.loads(body)
    # The search backend of this server is the database's, so it is down with it; Redis is not.
    assert status == 503 and set(health["failing"]) == {"database", "search"}
    assert health["checks"]["cache"]["ok"] and health["checks"]["broker"]["ok"]

    log = log_path.read_text()
    assert "database unavailable (OperationalError" in log
    assert "Traceback" not in log  # one line per stopped request, not a traceback each

    postgres.start()  # gunicorn is not restarted: its workers reconnect by themselves
    poll(lambda: http_get(f"{base}/api/v1/datasets/")[0] == 200, what="the API answering again")
    statuses = [http_get(base + path, SESSION)[0] for path in TRAFFIC * 3]
    assert statuses == [200] * len(statuses)
    assert json.loads(http_get(f"{base}/healthz")[2])["failing"] == []
