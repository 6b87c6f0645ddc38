"""Harvest jobs whose worker stopped: resumed, or failed once their attempts are spent (a core.jobs repair);
and jobs whose message never reached a worker (the broker was down): queued again."""
from django.conf import settings
from django.utils import timezone

from core import jobs as core_jobs

from . import dispatch
from .models import HarvestJob, JobStatus
from .services import jobs


def repair_stalled_harvests():
    """{"requeued": [ids], "failed": [ids]}: running jobs whose heartbeat stopped, and queued jobs that never
    started. A duplicate message is harmless: harvest.services.jobs.start_job runs a job once."""
    done = {"requeued": [], "failed": []}
    for job in core_jobs.claim_stalled(HarvestJob.objects.filter(status=JobStatus.RUNNING)):
        if core_jobs.attempts_spent(job.attempts):
            jobs.give_up(job)
            done["failed"].append(job.pk)
        else:
            dispatch.enqueue_run(job.pk)
            done["requeued"].append(job.pk)
    never_started = timezone.now() - timezone.timedelta(minutes=settings.HARVEST_STUCK_MINUTES)
    for job_id in HarvestJob.objects.filter(status=JobStatus.QUEUED, created__lt=never_started).values_list(
            "pk", flat=True):
        dispatch.enqueue_run(job_id)
        done["requeued"].append(job_id)
    return done
