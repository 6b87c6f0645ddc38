"""The scheduler's side of harvesting: starting the runs that have come due (harvest.tasks.start_due_harvests)."""
from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict

from ..models import HarvestSource
from ..schedules import next_run_after
from . import jobs


def start_due_runs(now=None):
    """Queue a job for each active source whose next run has come, and move its next run on; returns how many.

    A source still busy with a job is moved on all the same (its turn is skipped, not stacked up).
    """
    now = now or timezone.now()
    started = 0
    due = HarvestSource.objects.filter(active=True, next_run_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Two beats at once: the second skips the source the first holds.
            source = HarvestSource.objects.select_for_update(skip_locked=True).filter(
                pk=pk, active=True, next_run_at__lte=now).first()
            if source is None:
                continue
            try:
                with transaction.atomic():
                    jobs.request_run(user=None, source=source)
                started += 1
            except Conflict:
                pass
            source.next_run_at = next_run_after(source, now)
            source.save(update_fields=["next_run_at"])
    return started
