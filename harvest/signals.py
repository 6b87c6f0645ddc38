"""Signals of the harvest services, so they never import the Celery tasks (harvest.dispatch follows them)."""
from django.dispatch import Signal

# Sent with job_id when a job is requested; the job's task is queued once the transaction commits.
run_requested = Signal()
