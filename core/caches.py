"""The cache: Redis, falling back to this process's memory while Redis is unreachable.

Ignoring Redis errors (django-redis IGNORE_EXCEPTIONS) is not enough: a cache whose
`add` always fails locks allauth's login rate limiter shut (its lock is a cache `add`),
so nobody could sign in during an outage. Here every operation that finds Redis gone
runs on a local memory cache instead: pages keep working, and login failures are
still counted, per worker process, until Redis answers again (docs/deployment.md).
"""
import logging
from functools import cached_property

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis import RedisError

logger = logging.getLogger(__name__)

OPERATIONS = ("get", "set", "add", "delete", "get_many", "set_many", "delete_many", "incr", "decr", "has_key",
              "touch", "clear")


class RedisWithLocalFallback(RedisCache):
    degraded = False

    @cached_property
    def local(self):
        return LocMemCache(f"fallback-{id(self)}", {})

    def _fallback(self, name, args, kwargs):
        if not self.degraded:
            self.degraded = True
            logger.warning("cache: Redis unreachable, using this process's memory until it answers again")
        kwargs.pop("client", None)  # django-redis only
        return getattr(self.local, name)(*args, **kwargs)

    def _back(self):
        if self.degraded:
            self.degraded = False
            logger.warning("cache: Redis answers again")


def _with_fallback(name):
    redis_operation = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        try:
            result = redis_operation(self, *args, **kwargs)
        except (RedisError, ConnectionInterrupted):
            return self._fallback(name, args, kwargs)
        self._back()
        return result

    operation.__name__ = name
    return operation


for _name in OPERATIONS:
    setattr(RedisWithLocalFallback, _name, _with_fallback(_name))
