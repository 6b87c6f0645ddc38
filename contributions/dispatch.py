"""Queueing a contribution's validation: the one way from the services to the Celery task.

The task runs contributions.services.validation_job; the services only announce
`signals.validation_requested`, which this module follows, so services never import tasks.
"""
from django.db import transaction

from .tasks import validate_contribution


def enqueue_validation(contribution_id):
    """Queue the validation now (the repair: the contribution is already committed)."""
    validate_contribution.delay(contribution_id)


def enqueue_validation_on_commit(sender, *, contribution_id, **kwargs):
    """validation_requested receiver: queue the validation once the submitting transaction commits,
    so the task finds the contribution submitted."""
    transaction.on_commit(lambda: enqueue_validation(contribution_id))
