"""Masking a resource's personal data for its publisher: a new version, checked and released like any other.

The columns masked are those the current version's report found personal data in;
the new version goes through datasets.services (history, datastore load, its own
quality report), and once that report finds nothing, datasets.grading releases it.
"""
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from datasets.services.publishing_rights import ensure_can_publish
from datasets.services.resources import replace_resource_file

from ..masking import masked_upload
from ..models import QualityReport


def maskable_report(resource):
    """The current version's finished report when it found personal data, else a Conflict saying why not."""
    version = resource.current_version
    report = QualityReport.objects.filter(version=version).first() if version else None
    if report is None or report.status in (QualityReport.Status.PENDING, QualityReport.Status.RUNNING):
        raise Conflict(_("当前版本的质量检查尚未完成，请稍后再试。"), field="resource")
    if not report.personal_data:
        raise Conflict(_("当前版本没有发现个人信息，无需脱敏。"), field="resource")
    return report


def mask_personal_data(*, user, resource):
    """Write a new version of the current file with every flagged column masked (quality.pii.mask)."""
    ensure_can_publish(user, resource.dataset.organization)
    report = maskable_report(resource)
    version = resource.current_version
    fmt = report.report.get("format") or version.format
    with default_storage.open(version.file.name, "rb") as handle:
        with masked_upload(handle, fmt, report.personal_data, version.filename, report.report.get("schema")) as upload:
            return replace_resource_file(user=user, resource=resource, uploaded=upload)
