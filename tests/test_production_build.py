"""A production build that starts: collectstatic and a server with portal.settings.production.

Both run as subprocesses, as a deployment would: `collectstatic` into a temporary
STATIC_ROOT (the manifest storage refuses a file referring to one that is missing),
then `runserver` on loopback serving pages, the hashed vendored assets, a 403 and a
URL carrying a secret; its log must hold no traceback and no query string.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STARTUP_TIMEOUT = 120  # a bound on waiting for the server, not a speed assertion


def production_env(static_root):
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            # The test's own key, so the session made below is valid for the server too.
            "SECRET_KEY": settings.SECRET_KEY, "DATABASE_URL": database_url.geturl(),
            "STATIC_ROOT": str(static_root), "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}


def manage(*args):
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(base, path, cookie=None):
    # Behind nginx (SECURE_PROXY_SSL_HEADER): say the request came over HTTPS, as the proxy would.
    headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_log(log_path, text):
    for _ in range(STARTUP_TIMEOUT * 4):
        log = log_path.read_text()
        if text in log:
            return log
        time.sleep(0.25)
    pytest.fail(f"{text!r} never logged: {log[-3000:]}")


@pytest.fixture(scope="module")
def production_server(django_db_setup, tmp_path_factory):
    """(base URL, log path, STATIC_ROOT) of runserver with production settings, after collectstatic."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path / "static")
    collected = subprocess.run(manage("collectstatic", "--noinput"), env=env, cwd=settings.BASE_DIR,
                               capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, collected.stderr[-3000:]
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(manage("runserver", "--noreload", f"127.0.0.1:{port}"), env=env,
                                  cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(STARTUP_TIMEOUT * 4):
            if server.poll() is not None:
                pytest.fail(f"runserver exited: {log_path.read_text()[-3000:]}")
            try:
                fetch(base, "/healthz")
                break
            except OSError:
                time.sleep(0.25)
        yield base, log_path, tmp_path / "static"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_build_collects_static_and_serves_pages(production_server, graded_datasets):
    base, log_path, static_root = production_server
    resource = graded_datasets["open"].resources.first()
    for path in ("/", "/datasets/", "/en/datasets/bus-routes/", f"/resources/{resource.pk}/data/"):
        status, body = fetch(base, path)
        assert status == 200, (path, body[:500])
    status, body = fetch(base, f"/resources/{resource.pk}/data/")
    page = body.decode()
    for asset in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/echarts/echarts.min.js"):
        stem, _, suffix = asset.rpartition(".")
        # The manifest's hashed name, served by WhiteNoise from STATIC_ROOT.
        url = re.search(rf'/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix}"', page).group()[:-1]
        assert fetch(base, url)[0] == 200, url


def test_a_403_logs_one_line_and_urls_are_logged_without_query_strings(production_server, citizen):
    base, log_path, _ = production_server
    client = Client()
    client.force_login(citizen)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _ = fetch(base, "/search/insights/", cookie=cookie)
    assert status == 403
    assert fetch(base, "/organizations/?reset_token=s3cr3t-in-url")[0] == 200
    # runserver writes an access line just after answering: wait for it (bounded) before reading.
    log = wait_for_log(log_path, '"GET /organizations/')
    assert "Forbidden (Permission denied): /search/insights/" in log
    assert "Traceback" not in log
    assert '"GET /organizations/ HTTP/1.1" 200' in log
    assert "s3cr3t-in-url" not in log
