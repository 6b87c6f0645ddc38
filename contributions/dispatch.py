"""Queueing a contribution's validation: the one way from the services to the Celery task.

The task runs contributions.services.validation_job; the services only announce
`signals.validation_requested`, which this module follows, so services never import tasks.
"""
from core.jobs import send_after_commit

from .tasks import validate_contribution


def enqueue_validation(contribution_id):
    """Queue the validation now (the repair: the contribution is already committed)."""
    validate_contribution.delay(contribution_id)


def enqueue_validation_on_commit(sender, *, contribution_id, **kwargs):
    """validation_requested receiver: queue the validation once the submitting transaction commits,
    so the task finds the contribution submitted. A broker outage must not fail the submission: the repair
    (contributions.repair) queues it again once CONTRIBUTION_STUCK_MINUTES have passed."""
    send_after_commit(lambda: enqueue_validation(contribution_id), f"the validation of contribution {contribution_id}")
