"""The Redis connection shared by the limiter and the usage buffer.

Short timeouts: a slow or absent Redis must cost a request milliseconds, not
seconds. Callers treat RedisError as "unavailable" and let the request through
(limits fail open; a lost usage record is better than a failed API call).
"""
from functools import lru_cache

import redis
from django.conf import settings

Error = redis.RedisError
TIMEOUT_SECONDS = 0.5


@lru_cache(maxsize=4)
def _client_for(url):
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def client():
    """The Redis client, or None when no APIKEYS_REDIS_URL is configured (limits and metering off)."""
    url = settings.APIKEYS_REDIS_URL
    return _client_for(url) if url else None
