"""Asking for a run of a source and stopping one (placeholder of part D; part C's version replaces it)."""
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from ..models import HarvestJob, HarvestSource, JobStatus
from ..permissions import ensure_may_manage_source

OPEN_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


@transaction.atomic
def request_run(*, user, source, dry_run=False, full=False):
    """A queued job of `source`; Conflict when it already has one queued or running. `user=None`: the scheduler."""
    if user is not None:
        ensure_may_manage_source(user, source)
    HarvestSource.objects.select_for_update().filter(pk=source.pk).first()
    if source.jobs.filter(status__in=OPEN_STATUSES).exists():
        raise Conflict(_("此来源已有排队或运行中的采集任务。"))
    return HarvestJob.objects.create(source=source, dry_run=dry_run, requested_by=user)


@transaction.atomic
def abort_job(*, user, job):
    """A queued job is aborted at once; a running one is asked to stop at its next batch."""
    ensure_may_manage_source(user, job.source)
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.ABORTED
        job.save(update_fields=["status"])
    elif job.status == JobStatus.RUNNING:
        job.abort_requested = True
        job.save(update_fields=["abort_requested"])
    else:
        raise Conflict(_("此任务已结束。"))
    return job
