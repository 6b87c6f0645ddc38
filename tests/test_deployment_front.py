"""The deployment's front: Debian's nginx with the rendered site (deploy/nginx/) before gunicorn with
deploy/gunicorn.conf.py, both on loopback, over a seeded database of their own.

Shows what the deployment promises: stored files leave through nginx (Range included) once Django
has allowed them, refusals are Django's own, static files carry long cache headers and are
compressed, oversized bodies stop at nginx, and secrets in query strings never reach a log.
"""
import gzip
import http.client
import json
import re
import shutil
import subprocess
import sys
import time

import pytest
from server_support import (
    ROOT,
    _free_port,
    gunicorn,
    http_get,
    run_python,
    server_database,
    server_environment,
)

pytestmark = pytest.mark.slow

SERVICES = ROOT / "scripts" / "services.sh"
UPLOAD_LIMIT = 256 * 1024
SEED = """
import django, json
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from datasets.services.lifecycle import create_dataset, publish_dataset
from datasets.services.resources import add_file_resource
from organizations.models import Membership
from organizations.services import add_member, save_organization

users = get_user_model().objects
staff = users.create_user("staff", password="pw", is_staff=True, is_superuser=True)
publisher = users.create_user("publisher", password="pw", email="publisher@example.org")
EmailAddress.objects.create(user=publisher, email=publisher.email, primary=True, verified=True)
bureau = save_organization(user=staff, data={"slug": "transport-bureau", "kind": "government", "name_zh": "交通委"})
add_member(user=staff, organization=bureau, member=publisher, role=Membership.Role.PUBLISHER)
content = "".join(f"{i},线路 {i},{'x' * (i % 40)}\\n" for i in range(4000)).encode()
paths = {}
for grade in ("open", "conditional", "restricted"):
    dataset = create_dataset(user=publisher, organization=bureau, data={
        "identifier": f"bus-{grade}", "title": f"公交 {grade}", "open_grade": grade, "licence": "cc-by-4.0",
        "themes": ["transport"]})
    resource = add_file_resource(user=publisher, dataset=dataset,
                                 uploaded=SimpleUploadedFile("公交线路.csv", content, content_type="text/csv"))
    publish_dataset(user=publisher, dataset=dataset)
    paths[grade] = reverse("resource-download", args=[resource.pk])
print(json.dumps({"paths": paths, "content": content.decode()}))
"""


def _static_root(directory):
    """The portal's own stylesheet under a hashed name (as ManifestStaticFilesStorage names it) and a plain one."""
    root = directory / "static"
    (root / "portal").mkdir(parents=True)
    shutil.copy(ROOT / "static" / "portal" / "portal.css", root / "portal" / "portal.0123456789ab.css")
    shutil.copy(ROOT / "static" / "portal" / "portal.css", root / "portal" / "portal.css")
    return root


def _services(*args):
    subprocess.run(["bash", str(SERVICES), *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    """(nginx base URL, gunicorn base URL, seeded facts, directory) of the whole front."""
    if not shutil.which("nginx", path="/usr/sbin:/usr/bin"):
        pytest.fail("nginx is not installed: run scripts/services.sh install")
    directory = tmp_path_factory.mktemp("front")
    with server_database(f"front_{directory.name}") as url:
        env = server_environment(
            url, directory / "media", DOWNLOAD_X_ACCEL_REDIRECT_PREFIX="/_protected/",
            RESOURCE_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT), CONTRIBUTION_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT),
            ENTERPRISE_LICENCE_MAX_BYTES=str(UPLOAD_LIMIT), PORTAL_WEB_ACCESS_LOG=str(directory / "access.log"))
        with gunicorn(env, directory / "gunicorn.log", workers=2, config=ROOT / "deploy" / "gunicorn.conf.py") as web:
            seeded = json.loads(run_python(env, SEED))
            port = _free_port()
            site = directory / "site.conf"
            subprocess.run([sys.executable, "manage.py", "render_nginx_conf", "--listen", f"127.0.0.1:{port}",
                            "--upstream", web.removeprefix("http://"), "--static-root", str(_static_root(directory)),
                            "--media-root", str(directory / "media"), "--output", str(site)],
                           cwd=ROOT, env=env, check=True)
            _services("nginx-start", str(site), str(directory / "nginx"))
            try:
                yield f"http://127.0.0.1:{port}", web, seeded, directory
            finally:
                _services("nginx-stop", str(site), str(directory / "nginx"))


def _access_log_line(directory, path):
    """gunicorn's access-log line for `path`, once it is written (after the response)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log = (directory / "access.log").read_text(encoding="utf-8") if (directory / "access.log").exists() else ""
        lines = [line for line in log.splitlines() if f" {path} " in line]
        if lines:
            return lines[-1]
        time.sleep(0.1)
    raise AssertionError(f"no access-log line for {path}")


def test_a_range_of_an_open_file_is_sent_by_nginx_not_django(front):
    nginx, web, seeded, directory = front
    path, content = seeded["paths"]["open"], seeded["content"].encode()
    status, headers, body = http_get(nginx + path, {"Range": "bytes=100-1099"})
    assert status == 206
    assert body == content[100:1100]
    assert headers["Content-Range"] == f"bytes 100-1099/{len(content)}"
    assert headers["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''%E5%85%AC%E4%BA%A4%E7%BA%BF%E8%B7%AF.csv" in headers["Content-Disposition"]
    assert "X-Accel-Redirect" not in headers
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]  # nginx's; Django's stays behind it
    etag = headers["ETag"]
    # What gunicorn sent: the hand-off with no body (200, 0 bytes), not the file.
    assert re.search(r'"GET \S+ HTTP/1\.[01]" 200 0 ', _access_log_line(directory, path))
    status, headers, body = http_get(web + path, {"Range": "bytes=100-1099"})
    assert (status, body) == (200, b"")
    location = headers["X-Accel-Redirect"]
    assert location.startswith("/_protected/resources/")
    assert headers["ETag"] == etag  # the portal's validator, so If-Range works through nginx
    assert http_get(nginx + path, {"Range": "bytes=0-9", "If-Range": etag})[0] == 206
    # A stale If-Range, or no Range: the whole file. The internal location is not reachable from outside.
    status, headers, body = http_get(nginx + path, {"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert (status, body, headers.get_all("Accept-Ranges")) == (200, content, ["bytes"])
    assert http_get(nginx + path)[2] == content
    assert http_get(nginx + location)[0] == 404


@pytest.mark.parametrize("grade", ["conditional", "restricted"])
def test_a_refused_download_is_refused_the_same_through_nginx(front, grade):
    nginx, web, seeded, _directory = front
    path = seeded["paths"][grade]
    through_nginx, direct = http_get(nginx + path), http_get(web + path)
    assert through_nginx[0] == direct[0] and through_nginx[0] in (401, 403, 404)
    assert json.loads(through_nginx[2]) == json.loads(direct[2])
    assert "X-Accel-Redirect" not in through_nginx[1]


def test_static_files_are_cached_long_when_hashed_and_compressed(front):
    nginx, _web, _seeded, _directory = front
    stylesheet = (ROOT / "static" / "portal" / "portal.css").read_bytes()
    status, headers, body = http_get(nginx + "/static/portal/portal.0123456789ab.css", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == stylesheet
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    status, headers, body = http_get(nginx + "/static/portal/portal.css")
    assert (status, body) == (200, stylesheet)
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert "Content-Encoding" not in headers


def test_a_body_over_the_upload_limit_stops_at_nginx(front):
    nginx, _web, _seeded, directory = front
    limit = int(re.search(r"client_max_body_size (\d+);", (directory / "site.conf").read_text()).group(1))
    assert limit == UPLOAD_LIMIT + 10 * 1024 * 1024  # the file limit plus DATA_UPLOAD_MAX_MEMORY_SIZE
    connection = http.client.HTTPConnection(nginx.removeprefix("http://"), timeout=30)
    path = "/api/v1/datasets/bus-open/resources/"
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(limit + 1))
    connection.endheaders()  # nginx answers on the length alone: no body is sent
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/json; charset=utf-8"
    assert json.loads(response.read())["error"]["code"] == "too_large"
    connection.close()
    # It never reached gunicorn.
    assert f" {path} " not in (directory / "access.log").read_text(encoding="utf-8")


def test_security_headers_are_sent_once(front):
    nginx, _web, _seeded, _directory = front
    status, headers, _body = http_get(nginx + "/healthz")
    assert status == 200
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers.get_all("X-Frame-Options") == ["DENY"]
    assert headers.get_all("Referrer-Policy") == ["same-origin"]
    assert "Strict-Transport-Security" not in headers  # not over plain HTTP
    assert "Server" not in headers or headers["Server"] == "nginx"  # no version


def test_query_strings_never_reach_the_access_log(front):
    nginx, _web, _seeded, directory = front
    http_get(nginx + "/api/v1/datasets/?api_key=secret-in-url&token=reset-token-123")
    line = _access_log_line(directory, "/api/v1/datasets/")
    assert line.startswith("127.0.0.1 ")  # the client nginx forwarded
    log = (directory / "access.log").read_text(encoding="utf-8")
    assert "secret-in-url" not in log and "reset-token-123" not in log


def test_nginx_answers_503_json_when_gunicorn_is_down(front):
    _nginx, web, _seeded, directory = front
    port, nowhere = _free_port(), _free_port()
    site = directory / "down.conf"
    text = (directory / "site.conf").read_text(encoding="utf-8")
    text = re.sub(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{port};", text)
    site.write_text(text.replace(f"server {web.removeprefix('http://')};", f"server 127.0.0.1:{nowhere};")
                    .replace("upstream portal_web", "upstream portal_down").replace("http://portal_web;", "http://portal_down;"))
    _services("nginx-start", str(site), str(directory / "nginx-down"))
    try:
        status, headers, body = http_get(f"http://127.0.0.1:{port}/api/v1/datasets/")
    finally:
        _services("nginx-stop", str(site), str(directory / "nginx-down"))
    assert (status, headers["Retry-After"]) == (503, "30")
    assert json.loads(body)["error"]["code"] == "unavailable"
