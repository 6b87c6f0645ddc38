"""Tests: the same settings as production, pointed at the loopback services.

scripts/test.sh starts PostgreSQL, Redis and Elasticsearch and exports their
URLs; a missing one makes the run fail rather than silently fall back.
"""
import os
import tempfile
from urllib.parse import urlsplit

# pytest -n: worker gwN uses Redis database FIRST_WORKER_REDIS_DB + N (a developer's runs keep to 0-9;
# PORTAL_TEST_FIRST_REDIS_DB moves a second parallel run beside the first).
FIRST_WORKER_REDIS_DB = int(os.environ.get("PORTAL_TEST_FIRST_REDIS_DB", "10"))


def _keep_parallel_runs_apart(environ):
    """Under pytest-xdist (scripts/test.sh), give this worker a Redis database, an index prefix and Celery queues
    of its own; pytest-django already gives it its own test database (test_<name>_gwN).

    Written into the environment before base.py reads it, so the subprocesses a test starts (Celery workers,
    servers, manage.py) inherit the same separation. Done once per worker: a subprocess keeps what it inherits,
    including the values a test gives it on purpose (a private Redis, a queue of its own).
    """
    worker = environ.get("PYTEST_XDIST_WORKER")
    if not worker or environ.get("PORTAL_TEST_WORKER_APART") == worker:
        return
    database = f"/{FIRST_WORKER_REDIS_DB + int(worker.removeprefix('gw'))}"
    # The URLs base.py does not derive from REDIS_URL when they are set.
    for name in ("REDIS_URL", "APIKEYS_REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        url = environ.get(name)
        if url and url.startswith(("redis://", "rediss://")):
            environ[name] = urlsplit(url)._replace(path=database).geturl()
    environ["SEARCH_INDEX_PREFIX"] = f"{environ.get('SEARCH_INDEX_PREFIX', 'portal-test')}-{worker}"
    # The queue prefix follows CELERY_TASK_DEFAULT_QUEUE (base.py) unless set itself; a subprocess given only a
    # default queue of its own must still have its prefix follow that queue, so the prefix is set only if it was.
    prefix = environ.get("CELERY_QUEUE_PREFIX")
    if prefix:
        environ["CELERY_QUEUE_PREFIX"] = f"{prefix}-{worker}"
    environ["CELERY_TASK_DEFAULT_QUEUE"] = f"{environ.get('CELERY_TASK_DEFAULT_QUEUE') or prefix or 'portal'}-{worker}"
    environ["PORTAL_TEST_WORKER_APART"] = worker


_keep_parallel_runs_apart(os.environ)

from .base import *  # noqa: E402,F401,F403

for _name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
    if not os.environ.get(_name):
        raise RuntimeError(f"{_name} must be set for the test suite (run scripts/test.sh)")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker subprocess started by a test shares the test's media directory through TEST_MEDIA_ROOT.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-test-media-"))  # noqa: F405
# Tasks run eagerly in-process; a real worker started by a test sets CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
# Mail stays in memory; a worker subprocess started by a test writes it to files (TEST_EMAIL_FILE_PATH) instead.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "portal-test")
# Every test client shares one IP: keyless callers get limits no test reaches by accident;
# the limiter's own tests set small ones.
APIKEYS_ANONYMOUS_LIMITS = {"burst_per_second": 10**6, "requests_per_minute": 10**6, "daily_quota": 10**9}
