"""Loads and export files whose worker stopped: requeued, or failed once their attempts are spent (core.jobs repairs)."""
from core import jobs

from . import dispatch, export_files, loading
from .models import DatastoreTable, ExportFile


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


def repair_stalled_export_files():
    """{"requeued": [ids], "failed": [ids]} of the export files whose build stopped, or whose task was never sent.

    A pending file waiting behind a long load is sent again too: the first run writes it, the others find it ready.
    """
    done = {"requeued": [], "failed": []}
    unfinished = ExportFile.objects.filter(status__in=(ExportFile.Status.PENDING, ExportFile.Status.BUILDING))
    for export in jobs.claim_stalled(unfinished):
        jobs.remove_scratch(export_files.scratch_key(export.pk))
        if jobs.attempts_spent(export.attempts):
            export_files.give_up(export)
            done["failed"].append(export.pk)
            continue
        dispatch.enqueue_export_file(export.pk)
        done["requeued"].append(export.pk)
    return done
