"""Private services for the fault tests: a PostgreSQL cluster and a redis-server each test may kill.

The shared services (scripts/services.sh) serve every other test at the same time, so
a test that stops a service starts its own, on a free loopback port, with its state in a
temporary directory removed afterwards. As in services.sh, PostgreSQL runs as the
`postgres` user when the tests run as root (initdb refuses root).
"""
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time

from server_support import _free_port

START_TIMEOUT = 60  # a bound on waiting, not a speed assertion

MB = 1024 * 1024
# A publisher of one bureau with a draft dataset "bus-stops", a signed-in session and an API token.
SEED = """
import django, json
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from datasets.services.lifecycle import create_dataset
from organizations.models import Membership
from organizations.services import add_member, save_organization

users = get_user_model().objects
staff = users.create_superuser("staff", "staff@example.org", "pw-staff")
publisher = users.create_user("publisher", "publisher@example.org", "pw-publisher")
EmailAddress.objects.create(user=publisher, email=publisher.email, primary=True, verified=True)
bureau = save_organization(user=staff, data={"slug": "bureau", "kind": "government", "name_zh": "市交通委员会"})
add_member(user=staff, organization=bureau, member=publisher, role=Membership.Role.PUBLISHER)
create_dataset(user=publisher, organization=bureau, data={
    "identifier": "bus-stops", "title": "公交站点", "open_grade": "open", "licence": "cc-by-4.0", "themes": ["transport"]})
session = SessionStore()
session.update({SESSION_KEY: str(publisher.pk), HASH_SESSION_KEY: publisher.get_session_auth_hash(),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
session.create()
print(json.dumps({"session": session.session_key, "token": Token.objects.create(user=publisher).key}))
"""


def csv_of(size):
    """A CSV of about `size` bytes."""
    row = b"2024-01-01,bus stop,121.4737,31.2304\n"
    return b"day,name,lon,lat\n" + row * (size // len(row))


def poll(condition, timeout=START_TIMEOUT, what="the condition"):
    """Wait until `condition()` is truthy (its value) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def pg_bindir():
    """The directory of initdb and pg_ctl, PostgreSQL 15 first (scripts/services.sh's pg_bindir)."""
    candidates = ["/usr/lib/postgresql/15/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if os.access(f"{directory}/initdb", os.X_OK) and os.access(f"{directory}/pg_ctl", os.X_OK):
            return directory
    raise RuntimeError("PostgreSQL binaries not found (scripts/services.sh install)")


class PrivatePostgres:
    """One PostgreSQL cluster on a free port: `url` of its `portal` database, `stop()` and `start()`."""

    def __init__(self, directory):
        self.bin = pg_bindir()
        self.data = os.path.join(directory, "data")
        self.log = os.path.join(directory, "postgresql.log")
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgres://portal:portal@127.0.0.1:{self.port}/portal"

    def _run(self, *command, check=True):
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run([*prefix, *command], check=check, capture_output=True, text=True)

    def create(self):
        self._run(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--encoding=UTF8", "--no-locale",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.data}'\nfsync = off\nmax_connections = 50\n")
        self.start()
        sql = ("CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal';"
               "CREATE DATABASE portal OWNER portal;")
        for statement in sql.split(";")[:-1]:
            self._run(f"{self.bin}/psql", "-X", "-q", "-h", self.data, "-p", str(self.port), "-U", "postgres",
                      "-d", "postgres", "-c", statement)
        self._run(f"{self.bin}/psql", "-X", "-q", "-h", self.data, "-p", str(self.port), "-U", "postgres",
                  "-d", "portal", "-c", "CREATE EXTENSION IF NOT EXISTS pg_trgm")

    def start(self):
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", str(START_TIMEOUT), "start")

    def stop(self, mode="immediate"):
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)


@contextlib.contextmanager
def private_postgres():
    """A running PrivatePostgres, stopped and removed afterwards."""
    # Not pytest's tmp_path: it is private to root, and the server runs as `postgres`.
    directory = tempfile.mkdtemp(prefix="portal-fault-pg-")
    os.chmod(directory, 0o755)
    server = PrivatePostgres(directory)
    if server.user:
        shutil.chown(directory, server.user)
    try:
        server.create()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


class PrivateRedis:
    """One redis-server on a free port, without persistence: `url`, `stop()` and `start()`."""

    def __init__(self, directory):
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        poll(self.answers, what="redis-server answering PING")

    def answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # like a crash: no shutdown, nothing saved
            self.process.wait(timeout=30)


@contextlib.contextmanager
def private_redis(directory):
    server = PrivateRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
