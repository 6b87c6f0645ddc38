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
