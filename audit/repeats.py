"""The audit log's rate bound: repeats of one action per caller and dataset within a minute are counted, not logged.

The first refusal or data query of a (key, user or address; dataset; action)
in a clock minute is written at once (a department sees who tried); the rest of
that minute only increment counters in Redis. `flush` then writes one entry per
window naming how many repeats it held and the bytes they carried, so a flood
of refusals costs the log one row a minute, and nothing goes uncounted.

Without Redis (the embedded defaults) every entry is written. A flush that dies
between taking a window and writing its entry loses that window's count: the
first entry stays, so who tried is never lost.
"""
import datetime

from django.db import connection
from django.utils import timezone

from core import redis_store as store

from .models import AuditEntry

BOUNDED_ACTIONS = frozenset({AuditEntry.Action.DATA_REFUSED, AuditEntry.Action.DATA_QUERY})
KEEP_SECONDS = 24 * 3600
MINUTE_FORMAT = "%Y%m%d%H%M"

# KEYS: counts, bytes, firsts hashes; ARGV: window field, bytes. Returns the window's count so far.
COUNT = """
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if n > 1 and tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2]) end
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3])) end
return n
"""
# Takes one window away atomically, so concurrent flushes never write it twice.
TAKE = """
local taken = {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGET', KEYS[2], ARGV[1]),
               redis.call('HGET', KEYS[3], ARGV[1])}
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return taken
"""


def _hashes():
    """Per database, so portals (or test databases) sharing a Redis database never read each other's counts."""
    base = f"access:audit-repeats:{connection.settings_dict['NAME']}"
    return [f"{base}:counts", f"{base}:bytes", f"{base}:firsts"]


def _principal(api_key, actor, ip_address):
    if api_key is not None:
        return f"key:{api_key.pk}"
    if actor is not None:
        return f"user:{actor.pk}"
    return f"ip:{ip_address or '-'}"


def window(action, *, api_key, actor, ip_address, dataset, now=None):
    """The counter field of this caller, dataset and action in the current minute, or None when unbounded."""
    if action not in BOUNDED_ACTIONS:
        return None
    minute = timezone.localtime(now).strftime(MINUTE_FORMAT)
    return f"{minute}|{action}|{_principal(api_key, actor, ip_address)}|{dataset.pk if dataset else '-'}"


def is_first(field, bytes_sent):
    """Count one occurrence; True when it is the first of its window (write it), False for a repeat."""
    client = store.client()
    if field is None or client is None:
        return True
    try:
        count = client.register_script(COUNT)(keys=_hashes(), args=[field, int(bytes_sent or 0), KEEP_SECONDS])
    except store.Error:
        return True  # fail towards recording: an unbounded log beats a silent one
    return count == 1


def remember(field, entry):
    """Note the window's first entry, which its repeats' summary will describe."""
    client = store.client()
    if field is None or client is None:
        return
    try:
        client.hset(_hashes()[2], field, entry.pk)
    except store.Error:
        pass


def _closed(field, current):
    return field.split("|", 1)[0] < current


def take_closed(now=None, include_current=False):
    """(window field, first entry id, repeats, bytes) of every window whose minute is over, removed from Redis."""
    client = store.client()
    if client is None:
        return []
    hashes = _hashes()
    current = timezone.localtime(now).strftime(MINUTE_FORMAT)
    take = client.register_script(TAKE)
    taken = []
    for raw in client.hkeys(hashes[0]):
        field = raw.decode()
        if not (include_current or _closed(field, current)):
            continue
        count, bytes_sent, first = take(keys=hashes, args=[field])
        if count is not None and int(count) > 1 and first is not None:
            taken.append((field, int(first), int(count) - 1, int(bytes_sent or 0)))
    return taken


def minute_of(field):
    moment = datetime.datetime.strptime(field.split("|", 1)[0], MINUTE_FORMAT)
    return timezone.make_aware(moment).isoformat()
