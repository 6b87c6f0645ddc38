"""Background jobs that outlive their worker: heartbeat, attempts, scratch files, and one repair for all.

A job is a row (a datastore load, a contribution's validation) with a
`heartbeat` timestamp and a count of attempts. While a job runs, `beating`
refreshes its heartbeat from a thread every JOB_HEARTBEAT_SECONDS, whatever
the job is doing (a long SQL statement included); a worker that dies
(SIGKILL, out of memory, the hard time limit) stops beating. Every minute
`repair_stalled_jobs` runs the repairs the apps registered (in their
AppConfig.ready()): each requeues, or fails once JOB_MAX_ATTEMPTS are spent,
the jobs whose heartbeat is older than JOB_STALE_SECONDS, and removes what
the dead run left behind. The broker's own redelivery (its visibility
timeout) is only the last resort.
"""
import logging
import os
import tempfile
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

REPAIRS = []


def register_repair(repair):
    """`repair()` is called by every repair_stalled_jobs run; it returns what it requeued or failed."""
    if repair not in REPAIRS:
        REPAIRS.append(repair)


def repair_stalled_jobs():
    return {f"{repair.__module__}.{repair.__name__}": repair() for repair in REPAIRS}


def stale_before():
    """Heartbeats older than this belong to jobs whose worker stopped."""
    return timezone.now() - timezone.timedelta(seconds=settings.JOB_STALE_SECONDS)


def is_stalled(heartbeat):
    return heartbeat is not None and heartbeat < stale_before()


def claim_stalled(running):
    """The jobs among `running` (a queryset of running jobs) whose heartbeat stopped, each marked interrupted.

    Each is claimed on its stale heartbeat, so two repairs at once act once; the fresh heartbeat gives the
    requeued job JOB_STALE_SECONDS to start before it counts as stalled again.
    """
    for job in running.filter(heartbeat__lt=stale_before()):
        if running.filter(pk=job.pk, heartbeat=job.heartbeat).update(interrupted=True, heartbeat=timezone.now()):
            yield job


def attempts_spent(attempts):
    """True when a job already started JOB_MAX_ATTEMPTS times: the next delivery fails it instead."""
    return attempts >= settings.JOB_MAX_ATTEMPTS


@contextmanager
def beating(queryset):
    """Keep `heartbeat` of the rows of `queryset` fresh while the block runs.

    Inside a transaction (an eager task run by a test or a request) no thread
    is started: it would wait for the row locks that very transaction holds.
    """
    queryset.update(heartbeat=timezone.now())
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    queryset.update(heartbeat=timezone.now())
                except DatabaseError:
                    log.warning("could not record a job heartbeat", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _scratch_dir():
    path = settings.JOB_SCRATCH_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_file(job, suffix=""):
    """A new empty temporary file named after `job` (e.g. "contribution-12"), for remove_scratch to find."""
    handle, path = tempfile.mkstemp(prefix=f"{job}-", suffix=suffix, dir=_scratch_dir())
    os.close(handle)
    return path


def remove_scratch(job):
    """Remove the temporary files a killed run of `job` left behind; returns how many."""
    removed = 0
    for path in _scratch_dir().glob(f"{job}-*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def send_after_commit(send, what):
    """Call `send` (a task's .delay) once the transaction commits; a broker outage is logged, not raised.

    The request that committed the job must not fail for it: the job stays queued in its table and
    the app's repair sends it again later."""
    def attempt():
        try:
            send()
        except Exception:  # kombu's OperationalError or any transport error: the broker is out of reach
            log.exception("could not queue %s; the repair will", what)
    transaction.on_commit(attempt)

