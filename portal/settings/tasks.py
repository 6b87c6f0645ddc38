"""Celery: eager on the embedded default, Redis as broker when REDIS_URL is set; queues per kind of work,
time limits, the jobs' limits and heartbeat, and the beat schedule (read into base.py)."""
import os
import tempfile
from pathlib import Path

from celery.schedules import crontab

from . import queues
from .environment import env, env_bool

_redis_url = env("REDIS_URL")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", _redis_url or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not _redis_url)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queues by kind of work, named "<prefix>.<kind>" (portal/settings/queues.py); the default queue is the
# prefix itself. A test run sets only CELERY_TASK_DEFAULT_QUEUE (its own), and the prefix follows it.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE_PREFIX", env("CELERY_TASK_DEFAULT_QUEUE", "portal"))
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", CELERY_QUEUE_PREFIX)
CELERY_TASK_ROUTES = queues.routes(CELERY_QUEUE_PREFIX)
CELERY_TASK_QUEUES = queues.declared(CELERY_QUEUE_PREFIX, CELERY_TASK_DEFAULT_QUEUE)
# Every task is bounded in time (soft: the task stops and says why; hard: the worker kills it).
CELERY_TASK_SOFT_TIME_LIMIT = int(env("CELERY_TASK_SOFT_TIME_LIMIT", "1800"))
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", str(CELERY_TASK_SOFT_TIME_LIMIT + 60)))
# Jobs (datastore loads, contribution validations; core/jobs.py): their own time limits, a number of
# attempts (every delivery counts) after which the job is failed with its reason and its message dropped,
# and a heartbeat; `core.tasks.repair_stalled_jobs` requeues or fails a job whose heartbeat stopped.
JOB_SOFT_TIME_LIMIT = int(env("JOB_SOFT_TIME_LIMIT", "3600"))
JOB_TIME_LIMIT = int(env("JOB_TIME_LIMIT", str(JOB_SOFT_TIME_LIMIT + 120)))
JOB_MAX_ATTEMPTS = int(env("JOB_MAX_ATTEMPTS", "3"))
JOB_HEARTBEAT_SECONDS = float(env("JOB_HEARTBEAT_SECONDS", "15"))
JOB_STALE_SECONDS = float(env("JOB_STALE_SECONDS", "120"))
# Where jobs keep their temporary files (named after the job, so the repair can remove a killed job's).
JOB_SCRATCH_DIR = Path(env("JOB_SCRATCH_DIR", os.path.join(tempfile.gettempdir(), "portal-jobs")))
# Redis redelivers a task whose worker died (acks_late) once visibility_timeout seconds have passed;
# a worker looks for such tasks every interval x throttle seconds (kombu's defaults: 10 x 10).
# The heartbeat repair handles dead workers within minutes; the visibility timeout stays above the
# longest hard time limit so that Redis never hands a task that is still running to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", str(JOB_TIME_LIMIT + 300))),
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}

# Timeliness (quality.timeliness): the hour (local time) the daily digest of overdue and due-soon datasets
# is mailed, or every TIMELINESS_DIGEST_SCHEDULE seconds instead (a test's beat).
TIMELINESS_DIGEST_HOUR = int(env("TIMELINESS_DIGEST_HOUR", "8"))
TIMELINESS_DIGEST_SCHEDULE = (float(env("TIMELINESS_DIGEST_SCHEDULE")) if env("TIMELINESS_DIGEST_SCHEDULE")
                              else crontab(hour=TIMELINESS_DIGEST_HOUR, minute=0))
# Replay index updates made while Elasticsearch was down; repair any drift nightly.
CELERY_BEAT_SCHEDULE = {
    "search-replay-pending": {"task": "search.tasks.replay_pending_updates", "schedule": 60.0},
    "search-reconcile": {"task": "search.tasks.reconcile_search_index", "schedule": 24 * 3600.0},
    "apikeys-flush-usage": {"task": "apikeys.tasks.flush_usage", "schedule": 60.0},
    "access-expire": {"task": "access.tasks.expire_access", "schedule": 3600.0},
    "audit-flush-repeats": {"task": "audit.tasks.flush_audit_repeats", "schedule": 60.0},
    "jobs-repair-stalled": {"task": "core.tasks.repair_stalled_jobs", "schedule": 60.0},
    "harvest-start-due": {"task": "harvest.tasks.start_due_harvests", "schedule": 60.0},
    "datastore-index-popular-columns": {"task": "datastore.tasks.index_popular_columns", "schedule": 3600.0},
    # quality, metadata scores: the links due for a check (LINK_CHECK_INTERVAL), a batch an hour.
    "quality-check-links": {"task": "quality.tasks.check_links", "schedule": 3600.0},
    "quality-timeliness-digests": {"task": "quality.tasks.send_timeliness_digests",
                                   "schedule": TIMELINESS_DIGEST_SCHEDULE},
    # Late in the evening (TIME_ZONE), so a month's last run counts it to its end; ended months are kept.
    "evaluation-refresh": {"task": "evaluation.tasks.refresh_evaluation", "schedule": crontab(hour=23, minute=45)},
}
