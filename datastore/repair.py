"""Loads whose worker stopped: requeued, or failed once their attempts are spent (a core.jobs repair)."""
from core import jobs

from . import dispatch, loading
from .models import DatastoreTable


def repair_stalled_loads():
    """{"requeued": [version ids], "failed": [version ids]} of the loads whose heartbeat stopped."""
    done = {"requeued": [], "failed": []}
    for table in jobs.claim_stalled(DatastoreTable.objects.filter(status=DatastoreTable.Status.LOADING)):
        if jobs.attempts_spent(table.attempts):
            loading.give_up(table)
            done["failed"].append(table.version_id)
            continue
        loading.drop_tables(table)
        dispatch.enqueue_load(table.version_id)
        done["requeued"].append(table.version_id)
    return done
