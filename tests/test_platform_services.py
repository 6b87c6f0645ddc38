"""The platform against the real services: health, Elasticsearch, a Celery worker, settings per environment."""
import json
import os
import secrets
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from elasticsearch import Elasticsearch

from celery_support import real_workers, wait_for
from datasets import tasks
from datasets.models import Dataset, Resource

# What a deployment sets; a subprocess starts from the test environment minus these.
SERVICE_VARIABLES = (
    "DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND", "SEARCH_INDEX_PREFIX",
    "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE", "SECRET_KEY",
    "ALLOWED_HOSTS", "DEBUG", "DEFAULT_FILE_STORAGE_BACKEND",
)


def run_manage(settings_module, *args, extra_env=None, python_code=None):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **(extra_env or {})})
    command = [sys.executable, "-c", python_code] if python_code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db
@pytest.mark.parametrize("search_backend", ["database", "elasticsearch"])
def test_healthz_reports_every_real_service_ok(client, settings, search_backend):
    settings.SEARCH_BACKEND = search_backend
    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values()), body
    assert body["checks"]["database"]["detail"] == "postgresql"
    assert body["checks"]["broker"]["detail"] == "redis"


def test_elasticsearch_round_trip():
    es = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
    index = f"{settings.SEARCH_INDEX_PREFIX}-platform-probe-{uuid.uuid4().hex[:8]}"
    document = {"identifier": "air-quality", "title": "空气质量 Air quality", "keywords": ["PM2.5"]}
    try:
        es.index(index=index, id="air-quality", document=document, refresh="wait_for")
        assert es.get(index=index, id="air-quality")["_source"] == document
        hits = es.search(index=index, query={"match": {"title": "air"}})["hits"]["hits"]
        assert [hit["_id"] for hit in hits] == ["air-quality"]
    finally:
        es.indices.delete(index=index, ignore_unavailable=True)
    assert not es.indices.exists(index=index)


@pytest.fixture
def celery_worker(transactional_db, monkeypatch):
    """A real worker process serving count_download, against the test database."""
    with real_workers(monkeypatch, tasks.count_download) as pool:
        yield pool.start()


def test_a_real_worker_counts_downloads(make_dataset, celery_worker, client):
    dataset = make_dataset("air-quality-hourly")
    resource = dataset.resources.get()

    response = client.get(f"/download/resources/{resource.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # the count is queued when the response is closed

    counted = wait_for(lambda: Dataset.objects.get(pk=dataset.pk).download_count == 1, celery_worker)
    assert counted, "the worker did not apply count_download"
    assert Resource.objects.get(pk=resource.pk).download_count == 1


def test_production_settings_pass_the_deploy_checks():
    result = run_manage(
        "portal.settings.production", "check", "--deploy", "--fail-level", "WARNING",
        extra_env={"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "data.example.gov.cn"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("portal.settings.production", "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_dev_settings_run_on_embedded_defaults():
    result = run_manage("portal.settings.dev", "check")
    assert result.returncode == 0, result.stdout + result.stderr

    probe = run_manage("portal.settings.dev", python_code=(
        "import json, django; django.setup();"
        "from django.conf import settings;"
        "from portal.celery import app;"
        "from search.backends import get_search_backend;"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        " 'cache': settings.CACHES['default']['BACKEND'], 'eager': app.conf.task_always_eager,"
        " 'broker': app.conf.broker_url, 'search': settings.SEARCH_BACKEND,"
        " 'search_backend': type(get_search_backend()).__module__}))"
    ))
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == {
        "engine": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://",
        "search": "database",
        "search_backend": "search.backends.database",
    }
