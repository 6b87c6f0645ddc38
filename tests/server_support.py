"""A real gunicorn server on loopback with a PostgreSQL database of its own, for tests that need processes.

The server gets a database of its own (migrated, seeded and dropped here), not the test
database: a transactional test's closing flush would empty the seeded vocabularies under
every transactional test that runs after it. Seeding runs in a subprocess against that
database; the server and the seeding share one media directory.
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def http_get(url, headers=None):
    """(status, headers, body) of a GET, HTTP errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server_database(suffix):
    """A fresh, empty PostgreSQL database named after the test database and `suffix`; its URL."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_{suffix}"
    admin = f"host={db['HOST']} port={db['PORT']} user={db['USER']} password={db['PASSWORD']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url, media_root, **extra):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database_url,
            "TEST_MEDIA_ROOT": str(media_root), "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
            **extra}


def run_python(env, code, *args):
    """Run `code` in a subprocess with the server's environment; its last line of output."""
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def gunicorn(env, log_path, workers=3, config=None):
    """Migrate the server's database, then yield the base URL of gunicorn on a free loopback port.

    `config`: a gunicorn configuration file (deploy/gunicorn.conf.py); the options here override it.
    """
    subprocess.run([sys.executable, "manage.py", "migrate", "--skip-checks", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    port = _free_port()
    log = log_path.open("wb")  # a file, not a pipe: an unread pipe would block the workers once full
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *(["--config", str(config)] if config else []),
         "portal.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket",
         # As the README asks of a deployment: the portal's JSON 414 answers before gunicorn's own.
         "--limit-request-line", "8190"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s to boot
            try:
                http_get(f"{base}/healthz")
                break
            except OSError:
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
