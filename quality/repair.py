"""Quality reports whose worker stopped: requeued, or failed once their attempts are spent (a core.jobs repair)."""
from core import jobs

from . import dispatch
from .models import QualityReport
from .services import reports


def repair_stalled_reports():
    """{"requeued": [version ids], "failed": [version ids]} of the reports whose heartbeat stopped."""
    done = {"requeued": [], "failed": []}
    for report in jobs.claim_stalled(QualityReport.objects.filter(status=QualityReport.Status.RUNNING)):
        jobs.remove_scratch(reports.scratch_key(report.pk))
        if jobs.attempts_spent(report.attempts):
            reports.give_up(report)
            done["failed"].append(report.version_id)
        else:
            dispatch.enqueue_report(report.version_id)
            done["requeued"].append(report.version_id)
    return done
