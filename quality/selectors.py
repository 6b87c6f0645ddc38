"""What a caller may read of a resource version's quality report: a summary for everyone, details for its publishers.

Examples of bad cells and the personal-data counts may themselves carry
personal data, so only the organization's publishers and platform staff get
them; everyone else who may see the resource gets counts only. Whether the
resource may be seen at all is datasets.grading's (through its selectors).
"""
from datasets.grading import holds_personal_data
from organizations.roles import is_publisher

from .models import QualityReport


def report_of(version):
    return QualityReport.objects.filter(version=version).first() if version is not None else None


def shows_details(user, dataset):
    return is_publisher(user, dataset.organization)


def summary(report, dataset):
    """The public part: status, rows, columns, valid or how many problems, and whether the file is held."""
    body = report.report
    return {
        "version": report.version.number,
        "status": report.status,
        "finished": report.finished,
        "tabular": body.get("tabular", True),
        "unreadable": "fatal" in body,
        "rows": report.row_count,
        "columns": body.get("columns"),
        "valid": body.get("valid") if report.status == QualityReport.Status.DONE else None,
        "problems": report.error_count,
        "warnings": sum(entry["count"] for entry in body.get("warnings", {}).values()),
        "personal_data_held": holds_personal_data(dataset, report.version),
    }


def details(report):
    """The publisher's part: errors and warnings by kind with examples, the schema used, personal data per column."""
    body = report.report
    return {
        "format": body.get("format"), "encoding": body.get("encoding"), "header": body.get("header"),
        "fatal": body.get("fatal"), "errors": body.get("errors", {}), "warnings": body.get("warnings", {}),
        "schema": body.get("schema"), "schema_source": body.get("schema_source"),
        "personal_data": report.personal_data, "attempts": report.attempts,
    }


def report_for(user, dataset, report):
    """The report as this user may read it: the summary, plus `details` for the dataset's publishers."""
    body = summary(report, dataset)
    if shows_details(user, dataset):
        body["details"] = details(report)
    return body
