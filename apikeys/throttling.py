"""Rate limits and quotas, enforced in Redis so they hold across every worker and machine.

Three windows are checked and counted by ONE Lua script, so concurrent
requests can never both take the last slot:

- burst: requests in the current second (fixed one-second window);
- minute: requests in the last 60 seconds (a sliding log: a sorted set of
  request times, so "N per minute" holds for any 60 s, not just per clock minute);
- daily: requests since local midnight (the quota resets at midnight, TIME_ZONE).

A refused request counts against nothing. Who is limited: a call with an API
key by its key's plan; any other call by settings.APIKEYS_ANONYMOUS_LIMITS, per
signed-in user or else per client IP. The decision is stored on the Django
request; apikeys.middleware turns it into RateLimit-* headers and, when
refused, the 429 body.
"""
import logging
import math
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from core import redis_store as store

from .models import ApiKey

logger = logging.getLogger(__name__)

BURST, MINUTE, DAILY = "burst", "minute", "daily"
WINDOW_SECONDS = {BURST: 1, MINUTE: 60, DAILY: 86400}

LUA = """
local now = tonumber(ARGV[1])
local burst, per_minute, daily = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
local second = tonumber(redis.call('GET', KEYS[1]) or '0')
local minute = redis.call('ZCARD', KEYS[2])
local day = tonumber(redis.call('GET', KEYS[3]) or '0')
local hit = 0
if day >= daily then hit = 3 elseif minute >= per_minute then hit = 2 elseif second >= burst then hit = 1 end
if hit == 0 then
  second = redis.call('INCR', KEYS[1])
  if second == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
  redis.call('ZADD', KEYS[2], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[2], 61000)
  minute = minute + 1
  day = redis.call('INCR', KEYS[3])
  if day == 1 then redis.call('EXPIRE', KEYS[3], tonumber(ARGV[6])) end
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local oldest_ms = now
if oldest[2] then oldest_ms = tonumber(oldest[2]) end
return {hit, second, minute, day, oldest_ms}
"""
HITS = {1: BURST, 2: MINUTE, 3: DAILY}


@dataclass(frozen=True)
class Limits:
    burst_per_second: int
    requests_per_minute: int
    daily_quota: int

    @classmethod
    def of(cls, source):
        """Limits from a Plan or from a settings dict with the same names."""
        get = source.get if isinstance(source, dict) else lambda name: getattr(source, name)
        return cls(int(get("burst_per_second")), int(get("requests_per_minute")), int(get("daily_quota")))

    def of_window(self, window):
        return {BURST: self.burst_per_second, MINUTE: self.requests_per_minute, DAILY: self.daily_quota}[window]


@dataclass(frozen=True)
class Decision:
    limits: Limits
    used: dict  # window -> requests counted in it (after this one, if allowed)
    reset: dict  # window -> whole seconds until it frees a slot
    hit: str | None = None

    @property
    def allowed(self):
        return self.hit is None

    def remaining(self, window):
        return max(0, self.limits.of_window(window) - self.used[window])

    @property
    def reported_window(self):
        """The limit the headers describe: the one hit, else the one closest to running out."""
        if self.hit:
            return self.hit
        # Ties go to the longer window: waiting for it is what the caller must plan for.
        return min((DAILY, MINUTE, BURST), key=self.remaining)

    @property
    def retry_after(self):
        return self.reset[self.hit] if self.hit else 0

    def headers(self):
        window = self.reported_window
        policy = ", ".join(f"{self.limits.of_window(w)};w={WINDOW_SECONDS[w]}" for w in (BURST, MINUTE, DAILY))
        headers = {
            "RateLimit-Limit": str(self.limits.of_window(window)),
            "RateLimit-Remaining": str(self.remaining(window)),
            "RateLimit-Reset": str(self.reset[window]),
            "RateLimit-Policy": policy,
        }
        if self.hit:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def seconds_to_midnight(now):
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - local).total_seconds()))


def day_counter_key(bucket, now=None):
    return f"rl:{bucket}:d:{timezone.localdate(now).isoformat()}"


def consume(bucket, limits):
    """Count one request of `bucket` against `limits`; a Decision, or None if Redis is unavailable."""
    client = store.client()
    if client is None:
        return None
    now = timezone.now()
    now_ms = int(now.timestamp() * 1000)
    to_midnight = seconds_to_midnight(now)
    keys = [f"rl:{bucket}:s:{now_ms // 1000}", f"rl:{bucket}:m", day_counter_key(bucket, now)]
    args = [now_ms, uuid.uuid4().hex, limits.burst_per_second, limits.requests_per_minute,
            limits.daily_quota, to_midnight + 60]
    try:
        hit, second, minute, day, oldest_ms = client.register_script(LUA)(keys=keys, args=args)
    except store.Error as error:
        logger.warning("Rate limiter unavailable, request let through: %s", error.__class__.__name__)
        return None
    reset = {
        BURST: 1,
        MINUTE: max(1, math.ceil((int(oldest_ms) + 60000 - now_ms) / 1000)),
        DAILY: to_midnight,
    }
    return Decision(limits, {BURST: second, MINUTE: minute, DAILY: day}, reset, HITS.get(hit))


def anonymous_limits():
    return Limits.of(settings.APIKEYS_ANONYMOUS_LIMITS)


def client_ip(request):
    value = request.META.get(settings.APIKEYS_CLIENT_IP_META, "") or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()


def caller_bucket(request):
    """(bucket, limits) of a Django request that has been through authentication."""
    key = getattr(request, "auth", None)
    if isinstance(key, ApiKey):
        return f"key:{key.prefix}", Limits.of(key.plan)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", anonymous_limits()
    return f"ip:{client_ip(request)}", anonymous_limits()


def limit(request, bucket=None, limits=None):
    """Decide once per request (the first decision stands) and keep it on the Django request."""
    if hasattr(request, "rate_limit"):
        return request.rate_limit
    if bucket is None:
        bucket, limits = caller_bucket(request)
    request.rate_limit = consume(bucket, limits)
    return request.rate_limit


def limit_by_ip(request):
    """For calls refused before anyone is known (a bad key): counted per IP, so guessing keys is limited too."""
    return limit(request, f"ip:{client_ip(request)}", anonymous_limits())


class PlanRateThrottle(BaseThrottle):
    """DRF's hook into the limiter for every API view and download (DEFAULT_THROTTLE_CLASSES)."""

    def allow_request(self, request, view):
        self.decision = limit(request._request)
        return self.decision is None or self.decision.allowed

    def wait(self):
        return self.decision.retry_after
