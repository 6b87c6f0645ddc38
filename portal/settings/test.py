"""Tests: the same settings as production, pointed at the loopback services.

scripts/test.sh starts PostgreSQL, Redis and Elasticsearch and exports their
URLs; a missing one makes the run fail rather than silently fall back.
"""
import os
import tempfile

from .base import *  # noqa: F401,F403

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
