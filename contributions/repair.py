"""Validations whose worker stopped: requeued, or failed once their attempts are spent (a core.jobs repair)."""
from django.conf import settings
from django.utils import timezone

from core import jobs

from . import dispatch
from .models import Contribution, Status
from .services import validation_job


def repair_stalled_validations():
    """{"requeued": [ids], "failed": [ids]}: stalled validations, and submissions whose task never started."""
    done = {"requeued": [], "failed": []}
    for contribution in jobs.claim_stalled(Contribution.objects.filter(status=Status.VALIDATING)):
        jobs.remove_scratch(validation_job.scratch_key(contribution.pk))
        if jobs.attempts_spent(contribution.validation_attempts):
            validation_job.give_up(contribution)
            done["failed"].append(contribution.pk)
        else:
            dispatch.enqueue_validation(contribution.pk)
            done["requeued"].append(contribution.pk)
    never_started = timezone.now() - timezone.timedelta(minutes=settings.CONTRIBUTION_STUCK_MINUTES)
    for contribution_id in Contribution.objects.filter(status__in=(Status.SUBMITTED, Status.RESUBMITTED),
                                                       submitted_at__lt=never_started).values_list("pk", flat=True):
        dispatch.enqueue_validation(contribution_id)
        done["requeued"].append(contribution_id)
    return done
