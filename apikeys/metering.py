"""Usage metering: every keyed call becomes one compact record in a Redis list,
summed into UsageDaily by a periodic task.

Recording costs the request one RPUSH (no database write, nothing waited on
when Redis is down: the record is dropped with a warning). Flushing is safe to
crash and to run twice at once:

1. a Lua script moves up to BATCH_SIZE records from pending to processing and
   names the batch, atomically; if processing is not empty (a flush died), it
   hands back that same batch instead of a new one (see buffer_keys);
2. the batch's sums are upserted into UsageDaily in ONE transaction that also
   records the batch id in FlushedBatch (unique), so a batch already written
   is skipped, never added twice;
3. only then processing is deleted. A crash before 3 replays the batch at the
   next flush, where step 2 recognizes it.
"""
import json
import logging
import time
from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import redis_store as store
from datasets.models import Resource

from .models import ApiKey, FlushedBatch, UsageDaily

logger = logging.getLogger(__name__)


def buffer_keys():
    """(pending, processing, batch id) Redis keys of this database's buffer.

    Records name keys by database id, so portals (or test databases) sharing a
    Redis database must never read each other's buffer.
    """
    base = f"apikeys:usage:{connection.settings_dict['NAME']}"
    return f"{base}:pending", f"{base}:processing", f"{base}:batch"

BATCH_SIZE = 5000
MAX_BATCHES_PER_FLUSH = 200

TAKE_BATCH = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {redis.call('GET', KEYS[3]) or ARGV[2], redis.call('LRANGE', KEYS[2], 0, -1)}
end
local records = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #records == 0 then return {false, {}} end
redis.call('RPUSH', KEYS[2], unpack(records))
redis.call('LTRIM', KEYS[1], #records, -1)
redis.call('SET', KEYS[3], ARGV[2])
return {ARGV[2], records}
"""
# Only the flush that wrote (or skipped) this batch may drop it: a slower,
# concurrent flush of the same batch must not drop the next one.
FINISH_BATCH = """
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
"""


# --- during a request ---------------------------------------------------------

def _dataset_reference(request, status):
    """(dataset identifier, resource id) of a call that succeeded on one; blanks otherwise.

    Failed calls name no dataset: the identifier of one the caller may not see
    must not show up in its usage.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or status >= 400:
        return "", None
    resource_id = match.kwargs.get("resource_id") or (match.kwargs.get("pk") if "resource" in match.view_name else None)
    return match.kwargs.get("identifier", ""), resource_id


def _push(record):
    client = store.client()
    if client is None:
        return
    try:
        client.rpush(buffer_keys()[0], json.dumps(record, separators=(",", ":")))
    except store.Error as error:
        logger.warning("Usage record dropped, Redis unavailable: %s", error.__class__.__name__)


def _counting(chunks, counter):
    for chunk in chunks:
        counter[0] += len(chunk)
        yield chunk


def record_call(request, response, key, started):
    """Queue the usage record of one keyed call (bytes of a stream are known when it closes)."""
    match = getattr(request, "resolver_match", None)
    dataset, resource_id = _dataset_reference(request, response.status_code)
    record = {
        "k": key.pk, "t": int(time.time()), "e": (match.view_name if match else "")[:100] or "unknown",
        "s": response.status_code, "d": dataset[:200], "r": resource_id,
        "l": int((time.perf_counter() - started) * 1000),
    }
    if response.streaming and not response.has_header("Content-Length"):
        counter = [0]
        response.streaming_content = _counting(response.streaming_content, counter)
        # Django calls these when the server has finished with the response.
        response._resource_closers.append(lambda: _push({**record, "b": counter[0]}))
        return
    length = response.get("Content-Length")
    record["b"] = int(length) if length and length.isdigit() else (0 if response.streaming else len(response.content))
    _push(record)


# --- periodic flush ------------------------------------------------------------

def _sums(records):
    """UsageDaily increments keyed by row, and the last use of each key."""
    rows = defaultdict(lambda: [0, 0, 0])
    last_used = {}
    resource_ids = {r["r"] for r in records if r.get("r")}
    datasets = dict(Resource.objects.filter(pk__in=resource_ids).values_list("pk", "dataset__identifier"))
    for r in records:
        moment = datetime.fromtimestamp(r["t"], tz=timezone.get_current_timezone())
        dataset = r.get("d") or datasets.get(r.get("r"), "")
        sums = rows[(r["k"], moment.date(), r["e"], r["s"], dataset)]
        sums[0] += 1
        sums[1] += r.get("b", 0)
        sums[2] += r.get("l", 0)
        last_used[r["k"]] = max(last_used.get(r["k"], moment), moment)
    return rows, last_used


UPSERT = """
INSERT INTO {table} (key_id, day, endpoint, status, dataset, calls, bytes, latency_ms_total)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (key_id, day, endpoint, status, dataset) DO UPDATE SET
  calls = {table}.calls + excluded.calls,
  bytes = {table}.bytes + excluded.bytes,
  latency_ms_total = {table}.latency_ms_total + excluded.latency_ms_total
"""


def _write(batch, records):
    """Sum one batch into UsageDaily, exactly once; False if it was already written."""
    parsed = [json.loads(raw) for raw in records]
    existing = set(ApiKey.objects.filter(pk__in={r["k"] for r in parsed}).values_list("pk", flat=True))
    rows, last_used = _sums([r for r in parsed if r["k"] in existing])  # deleted keys' calls are dropped
    try:
        with transaction.atomic():
            FlushedBatch.objects.create(batch=batch, records=len(records))
            with connection.cursor() as cursor:
                if rows:
                    cursor.executemany(UPSERT.format(table=UsageDaily._meta.db_table),
                                       [(*row, *sums) for row, sums in rows.items()])
            for key_id, moment in last_used.items():
                ApiKey.objects.filter(pk=key_id).exclude(last_used_at__gte=moment).update(last_used_at=moment)
    except IntegrityError:
        return False
    return True


def flush_usage():
    """Move buffered records into UsageDaily; returns how many records were written."""
    client = store.client()
    if client is None:
        return 0
    take, finish = client.register_script(TAKE_BATCH), client.register_script(FINISH_BATCH)
    pending, processing, batch_id = buffer_keys()
    written = 0
    for _ in range(MAX_BATCHES_PER_FLUSH):
        batch, records = take(keys=[pending, processing, batch_id], args=[BATCH_SIZE, f"{time.time_ns()}"])
        if not records:
            break
        batch = batch.decode() if isinstance(batch, bytes) else batch
        if _write(batch, records):
            written += len(records)
        finish(keys=[processing, batch_id], args=[batch])
    return written
