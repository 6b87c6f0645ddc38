"""/healthz: database, cache, broker, search and (when files are in a bucket) the object store, reported
separately; `failing` names the ones down."""
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from core import object_store


def _check(probe):
    started = time.monotonic()
    try:
        detail = probe()
    except Exception as error:  # a health check reports any failure rather than raising
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail:
        result["detail"] = detail
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache():
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was written")
    if getattr(cache, "degraded", False):  # core.caches: answering from this process's memory
        raise RuntimeError("Redis unreachable: the cache falls back to process memory")


def _broker():
    from portal.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith("memory"):
        return "eager (embedded)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return conn.transport_cls


def _search():
    from search.backends import get_search_backend

    # A cluster's status and node count too: yellow is ok but shows here (a node or replica missing).
    return get_search_backend().health()


def healthz(request):
    checks = {
        "database": _check(_database),
        "cache": _check(_cache),
        "broker": _check(_broker),
        "search": _check(_search),
    }
    if object_store.in_use():
        checks["object_store"] = _check(object_store.probe)
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "degraded" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
