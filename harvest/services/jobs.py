"""Harvest jobs: requesting a run, aborting it, and running it (the Celery task's body).

A run is idempotent and resumable: each batch commits with the job's counts and committed_records,
so a worker that dies mid-job (its heartbeat stops, core.jobs' repair requeues it) resumes after
the last committed batch; a delivery of a finished job does nothing. A full run that succeeds
ends with the source's policy for the records it no longer lists.
"""
import logging
from pathlib import Path

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs as core_jobs
from core.exceptions import Conflict
from core.fetching import FetchError
from datasets.models import Dataset
from datasets.services.lifecycle import archive_dataset, delete_dataset

from .. import signals
from ..fetcher import harvest_fetcher
from ..loader import Aborted, HarvestLoader
from ..models import (
    DisappearedPolicy,
    HarvestedDataset,
    HarvestJob,
    HarvestRecord,
    HarvestSource,
    JobStatus,
    RecordOutcome,
)
from ..permissions import ensure_may_manage_source
from ..sources import SOURCE_TYPES, source_type_for
from ..sources.base import SourceError

log = logging.getLogger(__name__)
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
SUCCEEDED = (JobStatus.FINISHED, JobStatus.FINISHED_WITH_ERRORS)


@transaction.atomic
def create_job(*, user, source, dry_run=False, full=False):
    """A queued job of `source` (None user: the scheduler or a command); 409 while one is queued or running.

    Incremental (records changed since the last successful run started) when the source type can be
    asked so, unless `full`; a dry run is always full.
    """
    if user is not None:
        ensure_may_manage_source(user, source)
    type(source).objects.select_for_update().filter(pk=source.pk).first()  # one request at a time per source
    if source.jobs.filter(status__in=ACTIVE).exists():
        raise Conflict(_("该来源已有排队或运行中的采集任务。"), field="source")
    since = None
    kind = SOURCE_TYPES.get(source.kind)
    if not (full or dry_run) and kind is not None and kind.supports_incremental:
        last = source.jobs.filter(status__in=SUCCEEDED, dry_run=False).order_by("-started").first()
        since = last.started if last else None
    return HarvestJob.objects.create(source=source, dry_run=dry_run, since=since,
                                     requested_by=user if user is not None and user.is_authenticated else None)


@transaction.atomic
def request_run(*, user, source, dry_run=False, full=False):
    """Queue a run of `source` on a worker (harvest.tasks.run_harvest_job, sent once this commits)."""
    job = create_job(user=user, source=source, dry_run=dry_run, full=full)
    signals.run_requested.send(sender=HarvestJob, job_id=job.pk)
    return job


@transaction.atomic
def abort_job(*, user, job):
    """Stop a job: a queued one at once, a running one between two batches (its committed batches stay)."""
    ensure_may_manage_source(user, job.source)
    job = HarvestJob.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.QUEUED:
        _finish(job, JobStatus.ABORTED)
    elif job.status == JobStatus.RUNNING:
        job.abort_requested = True
        job.save(update_fields=["abort_requested"])
    else:
        raise Conflict(_("该采集任务已结束。"), field="status")
    return job


@transaction.atomic
def start_job(job_id):
    """Mark the job running and count the attempt; None when there is nothing to do.

    A queued job starts; a running one resumes only when its worker stopped (the repair marked it
    interrupted, or its heartbeat is stale), so a duplicate delivery never runs it twice at once.
    """
    job = HarvestJob.objects.select_for_update().select_related("source").filter(pk=job_id).first()
    if job is None or job.status not in ACTIVE:
        return None
    if job.status == JobStatus.RUNNING and not (job.interrupted or core_jobs.is_stalled(job.heartbeat)):
        return None
    if job.status == JobStatus.RUNNING and core_jobs.attempts_spent(job.attempts):
        give_up(job)
        return None
    job.status, job.started = JobStatus.RUNNING, job.started or timezone.now()
    job.attempts, job.interrupted, job.heartbeat = job.attempts + 1, False, timezone.now()
    job.save(update_fields=["status", "started", "attempts", "interrupted", "heartbeat"])
    return job


def give_up(job):
    """Fail a job whose attempts are spent, saying so; its committed batches stay."""
    _finish(job, JobStatus.FAILED, _("采集任务已开始 %(n)d 次均未完成（工作进程中断或超时），不再重试。")
            % {"n": job.attempts})


def _finish(job, status, reason=""):
    job.status, job.reason, job.finished = status, reason, timezone.now()
    job.save(update_fields=["status", "reason", "finished"])


def run_job(job_id, *, fetcher=None, records=None, limit=None, listener=None):
    """Run (or resume) a job; returns it, or None when there was nothing to do.

    `records` replaces the source's own stream (manage.py import_catalog reads a local file).
    """
    job = start_job(job_id)
    if job is None:
        return None
    loader = HarvestLoader(job, listener=listener)
    try:
        with core_jobs.beating(HarvestJob.objects.filter(pk=job.pk)):
            if records is None:
                records = source_type_for(job.source, fetcher or harvest_fetcher()).records(since=job.since)
            loader.run(records, limit=limit)
            if not job.dry_run and job.since is None and limit is None:
                with transaction.atomic():
                    apply_disappeared_policy(job, loader.actor)
    except Aborted:
        _finish(job, JobStatus.ABORTED)
    except (FetchError, SourceError) as error:
        _finish(job, JobStatus.FAILED, str(error))
    except (OperationalError, InterfaceError, psycopg.OperationalError):
        raise  # the connection or the server failed: the task retries, resuming after the committed batches
    except (DatabaseError, psycopg.Error, SoftTimeLimitExceeded) as error:
        # A batch the database refused is rolled back whole; the job says so rather than stay "running".
        log.exception("harvest job %s stopped", job.pk)
        _finish(job, JobStatus.FAILED, _("采集在已提交的 %(count)s 条记录之后停止：%(error)s")
                % {"count": job.committed_records, "error": str(error).splitlines()[0][:300] or type(error).__name__})
    else:
        _finish(job, JobStatus.FINISHED_WITH_ERRORS if job.failed_count else JobStatus.FINISHED)
    return job


def apply_disappeared_policy(job, actor):
    """Archive (after the source's days unseen) or delete the source's datasets this full run did not see."""
    source = job.source
    if source.disappeared_policy == DisappearedPolicy.KEEP:
        return
    unseen_since = min(job.started, timezone.now() - timezone.timedelta(days=source.archive_after_days))
    if source.disappeared_policy == DisappearedPolicy.DELETE:
        unseen_since, outcome = job.started, RecordOutcome.DELETED
    else:
        outcome = RecordOutcome.ARCHIVED
    gone = Dataset.objects.filter(harvested__source=source, harvested__last_seen__lt=unseen_since)
    if outcome == RecordOutcome.ARCHIVED:
        gone = gone.exclude(state=Dataset.State.ARCHIVED)
    lines = []
    for dataset in gone.select_related("organization", "harvested"):
        link = dataset.harvested
        lines.append(HarvestRecord(job=job, remote_id=link.remote_id[:500], title=dataset.title, outcome=outcome,
                                   original_url=link.original_url,
                                   dataset=None if outcome == RecordOutcome.DELETED else dataset))
        if outcome == RecordOutcome.DELETED:
            delete_dataset(user=actor, dataset=dataset)
        else:
            archive_dataset(user=actor, dataset=dataset)
    HarvestRecord.objects.bulk_create(lines)
    if outcome == RecordOutcome.ARCHIVED:
        HarvestedDataset.objects.filter(dataset__in=[line.dataset for line in lines]).update(gone_since=timezone.now())
    counter = "deleted_count" if outcome == RecordOutcome.DELETED else "archived_count"
    setattr(job, counter, getattr(job, counter) + len(lines))
    job.save(update_fields=[counter])


def file_source(path, kind, *, organization, publish):
    """The source a catalog file on this machine is imported as (manage.py import_catalog): one per file,
    its target and publishing taken from this import; nothing it stops listing is archived."""
    source, _created = HarvestSource.objects.get_or_create(
        kind=kind, url=Path(path).resolve().as_uri(),
        defaults={"name": f"import_catalog {Path(path).name}", "disappeared_policy": DisappearedPolicy.KEEP})
    source.organization, source.publish = organization, publish
    source.save(update_fields=["organization", "publish", "modified"])
    return source
