"""Real Celery workers for tests: started as processes on a queue of their own, against the test database.

Two Celery details make this fiddly, and both are handled here once:
- a worker declares its queue's binding in Redis when it starts, and a message
  published before that is silently dropped, so callers wait for " ready.";
- a task caches its send options (its queue) at its first call, so routing a
  task to the test's queue resets that cache.
"""
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from portal.settings.queues import queue_name

WORKER_TIMEOUT = int(os.environ.get("TEST_WORKER_TIMEOUT", "120"))  # a bound on waiting, not a speed assertion


def wait_for(condition, worker, timeout=WORKER_TIMEOUT):
    """Poll `condition` until it holds or `timeout` passes; fail at once if the worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        assert worker.poll() is None, "the Celery worker exited"
        time.sleep(0.2)
    return False


class WorkerPool:
    """Workers sharing one queue and one log; `start()` returns once the new worker is consuming."""

    def __init__(self, queue, extra_env=None):
        self.queue = queue
        self.extra_env = extra_env or {}
        self.log = tempfile.TemporaryFile(mode="a+")  # O_APPEND: workers write at the end whatever we read
        self.workers = []
        self.beats = []

    def _env(self):
        database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
        env = {**os.environ, "DATABASE_URL": database_url.geturl(), "DJANGO_SETTINGS_MODULE": "portal.settings.test",
               "CELERY_TASK_ALWAYS_EAGER": "false", "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT), **self.extra_env}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def _spawn(self, *arguments):
        return subprocess.Popen([sys.executable, "-m", "celery", "-A", "portal", *arguments],
                                cwd=settings.BASE_DIR, env=self._env(), stdout=self.log, stderr=subprocess.STDOUT)

    def start(self):
        worker = self.launch()
        self.wait_ready()
        return worker

    def launch(self):
        """Start a worker without waiting for it (several pools start side by side; then wait_ready)."""
        worker = self._spawn(
            "worker", "--pool=solo", "--concurrency", "1", "-Q", self.queue,
            "-n", f"{self.queue}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO")
        self.workers.append(worker)
        return worker

    def wait_ready(self):
        count, worker = len(self.workers), self.workers[-1]
        assert wait_for(lambda: self._log_text().count(" ready.") >= count, worker), "the Celery worker did not start"

    def start_beat(self, schedule_dir):
        """A real `celery beat` sending the beat schedule to the queues of the prefix CELERY_QUEUE_PREFIX in
        extra_env (each task to its kind's); what it sends before a worker binds a queue is lost."""
        beat = self._spawn("beat", "--schedule", str(schedule_dir / "beat-schedule"), "--pidfile=",
                           "--loglevel", "INFO")
        self.beats.append(beat)
        return beat

    def _log_text(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        for worker in [*self.beats, *self.workers]:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        print(self._log_text()[-6000:])  # shown by pytest when the test failed
        self.log.close()


@contextmanager
def real_workers(monkeypatch, *tasks, extra_env=None):
    """Send `tasks` to a fresh queue served by real worker processes instead of running them eagerly."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    for task in tasks:
        monkeypatch.setattr(task, "queue", queue, raising=False)
        monkeypatch.setattr(task, "_exec_options", None, raising=False)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    pool = WorkerPool(queue, extra_env)
    try:
        yield pool
    finally:
        pool.stop()


@contextmanager
def queue_workers(monkeypatch, *kinds, extra_env=None):
    """{kind: pool}: a pool per kind of work on the queue CELERY_TASK_ROUTES sends that kind to (this run's
    prefix, CELERY_QUEUE_PREFIX), emptied first of what earlier tests left there, each with one worker
    consuming. Unlike real_workers, the tasks keep their routes: what is tested is where the portal sends them."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    env = {"CELERY_QUEUE_PREFIX": settings.CELERY_QUEUE_PREFIX,
           "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE, **(extra_env or {})}
    pools = {}
    try:
        with celery_app.connection_for_write() as broker:
            for kind in kinds:
                queue = queue_name(settings.CELERY_QUEUE_PREFIX, kind)
                broker.default_channel.queue_purge(queue)
                pools[kind] = WorkerPool(queue, env)
                pools[kind].launch()
        for pool in pools.values():
            pool.wait_ready()
        yield pools
    finally:
        for pool in pools.values():
            pool.stop()
