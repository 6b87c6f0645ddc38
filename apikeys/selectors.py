"""Usage figures as the pages and the API show them (by day, endpoint, status; today's quota); a key's example call."""
from datetime import timedelta

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from core import redis_store as store
from datasets.grading import Viewer
from datasets.models import Resource
from datasets.selectors import listed_datasets_for
from organizations.roles import is_platform_staff

from . import throttling
from .models import ApiKey, Scope, UsageDaily
from .services import keys_for

MAX_DAYS = 366
EXAMPLE_CANDIDATES = 20  # files looked at for one the key may download


def active_keys(now=None):
    """Keys that work at `now`, as ApiKey.is_active says (not revoked, expired, or rotated past their grace)."""
    now = now or timezone.now()
    return ApiKey.objects.filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now),
                                 Q(grace_until__isnull=True) | Q(grace_until__gt=now),
                                 Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def usage_keys(user, everyone=False):
    """Keys whose usage `user` may see: their own and their enterprises'; all of them for staff asking for everyone."""
    if everyone and is_platform_staff(user):
        return ApiKey.objects.select_related("plan", "organization", "user")
    return keys_for(user)


def _totals(rows, field):
    return list(rows.values(field).annotate(calls=Sum("calls"), bytes=Sum("bytes"),
                                            latency=Sum("latency_ms_total")).order_by(field))


def used_today(keys):
    """Calls counted today against each key's daily quota, read from the limiter's counters."""
    client = store.client()
    if client is None or not keys:
        return {}
    try:
        values = client.mget([throttling.day_counter_key(f"key:{key.prefix}") for key in keys])
    except store.Error:
        return {}
    return {key.pk: int(value or 0) for key, value in zip(keys, values)}


def usage_report(keys, days):
    """Sums over the last `days` days (today included) for `keys` (a queryset)."""
    days = max(1, min(int(days), MAX_DAYS))
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    rows = UsageDaily.objects.filter(key__in=keys, day__gte=since)
    by_day = {row["day"]: row for row in _totals(rows, "day")}
    daily = [by_day.get(since + timedelta(days=n), {"day": since + timedelta(days=n), "calls": 0, "bytes": 0,
                                                    "latency": 0}) for n in range(days)]
    for row in daily:
        row["mean_latency_ms"] = round(row["latency"] / row["calls"]) if row["calls"] else 0
    active = [key for key in keys if key.is_active]
    used = used_today(active)
    quota = [{"key": key, "daily_quota": key.plan.daily_quota, "used": used.get(key.pk, 0),
              "remaining": max(0, key.plan.daily_quota - used.get(key.pk, 0))} for key in active]
    return {
        "days": days,
        "since": since,
        "daily": daily,
        "endpoints": sorted(_totals(rows, "endpoint"), key=lambda row: -row["calls"]),
        "statuses": _totals(rows, "status"),
        "quota": quota,
        "total_calls": sum(row["calls"] for row in daily),
    }


def example_call(key):
    """A request path this key may call, for the example on the page that shows it: the catalog, the key's
    contributions, or the download of a file it may have (a granted conditional one first; "conditional"
    sorts before "open"); None when the key opens nothing yet."""
    if key.has_scope(Scope.CATALOG_READ):
        return reverse("api-dataset-list")
    if key.has_scope(Scope.CONTRIBUTIONS_WRITE):
        return reverse("api-contribution-list")
    viewer = Viewer(key.user, credential=key)
    files = (Resource.objects.filter(dataset__in=listed_datasets_for(viewer), kind=Resource.Kind.FILE)
             .select_related("dataset", "current_version")
             .order_by("dataset__open_grade", "-pk")[:EXAMPLE_CANDIDATES])
    resource = next((r for r in files if viewer.can_download(r.dataset, (r.current_version,))), None)
    return resource and reverse("resource-download", args=[resource.pk])
