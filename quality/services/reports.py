"""The quality report of a resource version, as the Celery task makes it (quality.tasks.make_quality_report).

Every stored file version gets a QualityReport (pending as soon as the version
is announced, quality.dispatch), checked with the validator contributions use
(quality.validation) against the resource's Table Schema when it has one, else
an inferred one, while the heartbeat beats (core.jobs). A file that cannot be
read gets a report saying why; a check that cannot finish (time limit,
attempts spent) a failed one. The personal-data verdict goes on the version
(`personal_data_found`), which datasets.grading holds back from outsiders;
the organization's publishers are told when that happens.
"""
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from datasets.grading import holds_personal_data
from datasets.models import Resource, ResourceVersion

from .. import notifications, validation
from ..models import QualityReport

log = logging.getLogger(__name__)
FINISHED = (QualityReport.Status.DONE, QualityReport.Status.FAILED)


def scratch_key(report_id):
    """The name of a report's temporary files (core.jobs), so a killed run's are found."""
    return f"quality-report-{report_id}"


def is_checked(version):
    """Whether a version gets a report: every stored file (a non-tabular one gets a short one)."""
    return version.resource.kind == Resource.Kind.FILE


def record_for(version):
    """The version's report, created pending on first sight."""
    report, _created = QualityReport.objects.get_or_create(version=version)
    return report


@transaction.atomic
def start(report_id):
    """Mark the report running and count the attempt; None when there is nothing to do.

    A finished report is left alone (the task is idempotent); a redelivered one still running starts
    over; once JOB_MAX_ATTEMPTS runs did not finish, the report fails saying so.
    """
    report = QualityReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.status in FINISHED:
        return None
    if jobs.attempts_spent(report.attempts):
        give_up(report)
        return None
    report.status, report.attempts, report.interrupted = QualityReport.Status.RUNNING, report.attempts + 1, False
    report.save(update_fields=["status", "attempts", "interrupted"])
    return report


def give_up(report):
    message = _("质量检查已开始 %(n)d 次均未完成（工作进程中断或超时），不再重试。") % {"n": report.attempts}
    jobs.remove_scratch(scratch_key(report.pk))
    finish(report.pk, validation.fatal_report(report.version.format, message), {}, QualityReport.Status.FAILED)


def check(report):
    """(report JSON, personal data) of the stored file; a file missing from storage is said, not raised."""
    version = report.version
    try:
        with default_storage.open(version.file.name, "rb") as handle:
            return validation.validate_file(handle, version.filename, version.resource.table_schema or None,
                                            scratch=scratch_key(report.pk))
    except FileNotFoundError:
        return validation.fatal_report(version.format, _("存储中找不到该版本的文件。")), {}


@transaction.atomic
def finish(report_id, result, found, status=QualityReport.Status.DONE):
    """Store the verdict once (a redelivered run finding it finished does nothing) and hold the version if needed."""
    report = (QualityReport.objects.select_for_update().select_related("version__resource__dataset__organization")
              .filter(pk=report_id).first())
    if report is None or report.status in FINISHED:
        return report
    result = {key: value for key, value in result.items() if key != "preview"}  # no copy of cells is kept
    report.report, report.personal_data, report.status = result, found, status
    report.row_count = result.get("rows")
    report.error_count = sum(entry["count"] for entry in result.get("errors", {}).values())
    report.finished, report.interrupted = timezone.now(), False
    report.save()
    version = report.version
    version.personal_data_found = bool(found)
    ResourceVersion.objects.filter(pk=version.pk).update(personal_data_found=version.personal_data_found)
    dataset = version.resource.dataset
    if holds_personal_data(dataset, version):
        notifications.personal_data_held(version, report)
    return report


def make_report(version_id):
    """The whole check of one version (the task's body); safe to run twice."""
    version = ResourceVersion.objects.select_related("resource").filter(pk=version_id).first()
    if version is None or not is_checked(version):
        return None
    report = start(record_for(version).pk)
    if report is None:
        return None
    status = QualityReport.Status.DONE
    try:
        with jobs.beating(QualityReport.objects.filter(pk=report.pk)):
            result, found = check(report)
    except (DatabaseError, OSError):
        raise  # the storage or the database failed: the task retries
    except SoftTimeLimitExceeded:
        message = _("质量检查超过时间上限（%(n)d 秒）。") % {"n": settings.JOB_SOFT_TIME_LIMIT}
        result, found, status = validation.fatal_report(version.format, message), {}, QualityReport.Status.FAILED
    except Exception as error:  # noqa: BLE001 - a file the validator chokes on still gets a report saying so
        log.exception("quality report of version %s failed", version_id)
        message = _("质量检查未能完成：%(error)s") % {"error": str(error)[:500]}
        result, found, status = validation.fatal_report(version.format, message), {}, QualityReport.Status.FAILED
    finally:
        jobs.remove_scratch(scratch_key(report.pk))
    return finish(report.pk, result, found, status)
