"""The processes the load bench starts and stops: gunicorn, nginx in front of it, a private Elasticsearch node, Locust.

Each start returns a handle whose stop() ends exactly the processes it started (their own session).
The shared Elasticsearch is never touched: the outage is staged on a node of the bench's own, started
from the install scripts/services.sh keeps (`services.sh es-paths`), with its data in a temp directory.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url, timeout=2):
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None


def wait_for(url, process, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(url) is not None:
            return
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url} in {seconds}s")


class Started:
    """A process started in a session of its own, and what to remove once it is stopped."""

    def __init__(self, process, url, cleanup=None):
        self.process, self.url, self._cleanup = process, url, cleanup

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._cleanup:
            self._cleanup()
            self._cleanup = None


def start_gunicorn(env, port, workers, log_path):
    """gunicorn on 127.0.0.1:port (fixed, so a front server set up beforehand can proxy to it)."""
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--limit-request-line", "8190",
         "--log-level", "warning"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/static/portal/portal.css", process, "gunicorn")
    return Started(process, url, log.close)


class Front:
    """The URL the load goes to, and how to stop what serves it (nothing, for a front started beforehand)."""

    def __init__(self, url, stop=lambda: None):
        self.url, self.stop = url, stop


def start_front(app_url, url, scratch):
    """The front the load goes to: `url` (one started beforehand, proxying to gunicorn's port) or, without
    it, the portal's own nginx site (manage.py render_nginx_conf) around gunicorn, started by services.sh
    (Debian's nginx, no root needed) on a free loopback port: static files from STATIC_ROOT and stored
    files after Django's X-Accel-Redirect (DOWNLOAD_X_ACCEL_REDIRECT_PREFIX), from MEDIA_ROOT."""
    if url:
        return Front(url.rstrip("/"))
    from django.conf import settings
    from django.core.management import call_command

    port, site, state = free_port(), scratch / "site.conf", scratch / "nginx"
    call_command("render_nginx_conf", listen=f"127.0.0.1:{port}", upstream=app_url.removeprefix("http://"),
                 static_root=str(settings.STATIC_ROOT), media_root=str(settings.MEDIA_ROOT), output=str(site))
    services = ["bash", str(REPO / "scripts" / "services.sh")]
    subprocess.run([*services, "nginx-start", str(site), str(state)], check=True, capture_output=True)
    front = Front(f"http://127.0.0.1:{port}", lambda: subprocess.run(
        [*services, "nginx-stop", str(site), str(state)], check=True, capture_output=True))
    if answers(f"{front.url}/static/portal/portal.css") != 200:
        front.stop()
        raise SystemExit(f"nginx on {front.url} does not serve the static files (logs in {state})")
    return front


def handed_to_front(front_url, app_url, path):
    """(bytes the front sent, bytes gunicorn sent, its X-Accel-Redirect) for one download: a stored file
    leaves through nginx, gunicorn only allows it."""
    def get(url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read(), response.headers.get("X-Accel-Redirect")
    through_front, _header = get(front_url + path)
    from_app, handed = get(app_url + path)
    return len(through_front), len(from_app), handed


def _es_paths():
    done = subprocess.run(["bash", str(REPO / "scripts" / "services.sh"), "es-paths"], check=True,
                          capture_output=True, text=True)
    return dict(line.split("=", 1) for line in done.stdout.split())


def start_private_elasticsearch():
    """A single-node Elasticsearch (heap 512m) on free loopback ports; returns (Started, wait_ready)."""
    paths = _es_paths()
    home = Path(tempfile.mkdtemp(prefix="load-bench-es-"))
    for sub in ("data", "logs", "tmp"):
        (home / sub).mkdir()
    run_as = []
    if os.geteuid() == 0:  # Elasticsearch refuses to run as root: as services.sh does, as its service user
        for path in (home, *home.iterdir()):
            shutil.chown(path, paths["ES_USER"])
        run_as = ["runuser", "-u", paths["ES_USER"], "--"]
    port, transport = free_port(), free_port()
    env = {**os.environ, "ES_JAVA_HOME": paths["ES_JAVA_HOME"], "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
           "ES_TMPDIR": str(home / "tmp")}
    log = (home / "launch.log").open("wb")
    process = subprocess.Popen(
        [*run_as, f"{paths['ES_HOME']}/bin/elasticsearch", "-E", "cluster.name=load-bench",
         "-E", "discovery.type=single-node", "-E", "xpack.security.enabled=false", "-E", "xpack.ml.enabled=false",
         "-E", "network.host=127.0.0.1", "-E", f"http.port={port}", "-E", f"transport.port={transport}",
         "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
         "-E", f"path.data={home / 'data'}", "-E", f"path.logs={home / 'logs'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def cleanup():
        log.close()
        shutil.rmtree(home, ignore_errors=True)

    def wait_ready():
        wait_for(f"{url}/_cluster/health?wait_for_status=yellow&timeout=1s", process, "private Elasticsearch", 240)
    return Started(process, url, cleanup), wait_ready


def run_locust(host, users, seconds, user_class, env):
    """One headless Locust run at `users` concurrent users (all started in the first second)."""
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile.py"), "--headless",
         "--host", host, "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "5",
         "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0", user_class],
        cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
