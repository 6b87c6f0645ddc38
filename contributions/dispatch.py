"""Queueing a contribution's validation: the one way from the services to the Celery task.

The task runs contributions.services.validation_job; the services only announce
`signals.validation_requested`, which this module follows, so services never import tasks.
"""
import logging

from django.db import transaction

from .tasks import validate_contribution

log = logging.getLogger(__name__)


def enqueue_validation(contribution_id):
    """Queue the validation now (the repair: the contribution is already committed)."""
    validate_contribution.delay(contribution_id)


def enqueue_validation_on_commit(sender, *, contribution_id, **kwargs):
    """validation_requested receiver: queue the validation once the submitting transaction commits,
    so the task finds the contribution submitted. A broker outage must not fail the submission: the repair
    (contributions.repair) queues it again once CONTRIBUTION_STUCK_MINUTES have passed."""
    transaction.on_commit(lambda: _enqueue_or_log(contribution_id))


def _enqueue_or_log(contribution_id):
    try:
        enqueue_validation(contribution_id)
    except Exception:  # kombu's OperationalError or any transport error: the broker is out of reach
        log.exception("could not queue the validation of contribution %s; the repair will", contribution_id)
