"""Quality tasks: thin wrappers around quality.services, each in its part's block."""
from celery import shared_task
from django.db import DatabaseError

from .services import digests

# --- timeliness digests ---------------------------------------------------------


# A retry after some organizations were mailed sends only the others (services.digests is idempotent per day).
@shared_task(ignore_result=True, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def send_timeliness_digests():
    """Beat, daily (TIMELINESS_DIGEST_HOUR): each organization's overdue and due-soon digest, once a day."""
    return digests.send_timeliness_digests()
