"""The validation of a submitted contribution, as the Celery task runs it (contributions.tasks).

Start (counted as an attempt), check the stored file with quality.validation while the
heartbeat beats (core.jobs), finish with the verdict: awaiting review, or needs changes.
Each step takes the row lock on its own, so a withdrawal in between wins and the run is dropped.
"""
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from quality import validation
from quality.tables import TABULAR_FORMATS

from .. import notifications, storage
from ..models import Contribution, Kind, Status, ValidationResult
from .moves import move


@transaction.atomic
def start_validation(contribution_id):
    """Mark the contribution as validating; None when there is nothing to do (already done, withdrawn...).

    A redelivered task finds it still validating and starts over: the work is idempotent. Every start
    counts; once JOB_MAX_ATTEMPTS runs did not finish (workers killed or timed out), the validation fails
    with that reason instead.
    """
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None or contribution.status not in (Status.SUBMITTED, Status.RESUBMITTED, Status.VALIDATING):
        return None
    if contribution.status == Status.VALIDATING and jobs.attempts_spent(contribution.validation_attempts):
        give_up(contribution)
        return None
    if contribution.status != Status.VALIDATING:
        move(contribution, Status.VALIDATING)
    contribution.validating_since = timezone.now()
    contribution.validation_attempts += 1
    contribution.report = {"progress": 0}
    contribution.save(update_fields=["validating_since", "validation_attempts", "report", "modified"])
    return contribution


def give_up(contribution):
    """Fail a validation whose attempts are spent, saying so; the contributor may submit again."""
    message = _("校验已开始 %(n)d 次均未完成（工作进程中断或超时），不再重试。") % {"n": contribution.validation_attempts}
    jobs.remove_scratch(scratch_key(contribution.pk))
    finish_validation(contribution.pk, validation.fatal_report(contribution.format, message), {}, {})


def scratch_key(contribution_id):
    """The name of a validation's temporary files (core.jobs)."""
    return f"contribution-{contribution_id}"


def report_progress(contribution_id, rows):
    Contribution.objects.filter(pk=contribution_id, status=Status.VALIDATING).update(report={"progress": rows})


def _target_schema(contribution):
    resource = contribution.resource
    return resource.table_schema if contribution.kind == Kind.NEW_VERSION and resource else None


def run_validation(contribution):
    """(report, pii, change summary) for a contribution's file and metadata; reads the stored file."""
    if not contribution.file:
        return {"valid": True, "errors": {}, "tabular": False}, {}, {}
    with storage.open_file(contribution) as handle:
        report, found = validation.validate_file(
            handle, contribution.filename, _target_schema(contribution),
            progress=lambda rows: report_progress(contribution.pk, rows), scratch=scratch_key(contribution.pk),
        )
    changes = {}
    resource = contribution.resource
    version = resource.current_version if resource else None
    if (contribution.kind == Kind.NEW_VERSION and report.get("valid") and version
            and version.format in TABULAR_FORMATS and report.get("format") in TABULAR_FORMATS):
        key = (resource.table_schema or {}).get("primaryKey") or None
        key = [key] if isinstance(key, str) else key
        with default_storage.open(version.file.name, "rb") as old, storage.open_file(contribution) as new:
            changes = validation.row_changes(old, new, version.format, report["format"], key,
                                             scratch=scratch_key(contribution.pk))
    return report, found, changes


@transaction.atomic
def finish_validation(contribution_id, report, found, changes):
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None or contribution.status != Status.VALIDATING:
        return contribution  # withdrawn meanwhile, or finished by a redelivered run
    contribution.report, contribution.pii, contribution.changes_summary = report, found, changes
    contribution.validation = ValidationResult.PASSED if report.get("valid") else ValidationResult.FAILED
    contribution.validating_since, contribution.interrupted = None, False
    if report.get("valid"):
        move(contribution, Status.AWAITING_REVIEW, comment=_("自动校验通过。"))
        notifications.submitted(contribution)
    else:
        move(contribution, Status.NEEDS_CHANGES, comment=_("自动校验未通过，请查看校验报告。"))
        notifications.needs_changes(contribution)
    return contribution


def validate(contribution_id):
    """The whole validation of one contribution (the task's body), its heartbeat kept while it runs."""
    contribution = start_validation(contribution_id)
    if contribution is None:
        return None
    try:
        with jobs.beating(Contribution.objects.filter(pk=contribution_id)):
            report, found, changes = run_validation(contribution)
    except SoftTimeLimitExceeded:
        jobs.remove_scratch(scratch_key(contribution_id))
        message = _("校验超过时间上限（%(n)d 秒）。") % {"n": settings.JOB_SOFT_TIME_LIMIT}
        report, found, changes = validation.fatal_report(contribution.format, message), {}, {}
    return finish_validation(contribution_id, report, found, changes)
