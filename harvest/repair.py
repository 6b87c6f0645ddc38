"""Harvest jobs whose worker stopped: resumed, or failed once their attempts are spent (a core.jobs repair)."""
from core import jobs as core_jobs

from . import dispatch
from .models import HarvestJob, JobStatus
from .services import jobs


def repair_stalled_harvests():
    """{"requeued": [ids], "failed": [ids]}: running jobs whose heartbeat stopped."""
    done = {"requeued": [], "failed": []}
    for job in core_jobs.claim_stalled(HarvestJob.objects.filter(status=JobStatus.RUNNING)):
        if core_jobs.attempts_spent(job.attempts):
            jobs.give_up(job)
            done["failed"].append(job.pk)
        else:
            dispatch.enqueue_run(job.pk)
            done["requeued"].append(job.pk)
    return done
