"""The audit side of data delivery: one entry per conditional-data download served, and the CSV export."""
import csv
import json

from django.http import StreamingHttpResponse
from django.utils import timezone

from datasets.models import OpenGrade
from portal.spreadsheets import safe_cell

from . import services
from .models import AuditEntry

CSV_COLUMNS = ("created", "action", "actor_username", "key_prefix", "organization_label", "dataset_identifier",
               "resource_label", "bytes", "ip_address", "detail")


class DownloadAudit:
    """Written by the download response when the server closes it, with the bytes actually handed over."""

    def __init__(self, request, dataset, resource=None, action=AuditEntry.Action.DATA_DOWNLOAD):
        self.action = action
        self.user = request.user
        self.credential = getattr(request, "auth", None)
        self.ip_address = request.META.get("REMOTE_ADDR") or None
        self.dataset = dataset
        self.resource = resource
        self.path = request.path

    def record(self, bytes_sent, status_code):
        services.record_audit(
            self.action, actor=self.user, api_key=self.credential, dataset=self.dataset,
            resource=self.resource, bytes=bytes_sent, ip_address=self.ip_address,
            detail={"path": self.path, "status": status_code},
        )


def download_audit(request, dataset, resource=None, action=AuditEntry.Action.DATA_DOWNLOAD):
    """A DownloadAudit when the dataset's data is conditional (the log covers that data only), else None.

    Data queries (datastore) pass action=DATA_QUERY and call .record(bytes, status) themselves.
    """
    if dataset.open_grade != OpenGrade.CONDITIONAL:
        return None
    return DownloadAudit(request, dataset, resource, action)


class _Line:
    """csv.writer's target: hands back each row it writes."""

    def write(self, value):
        return value


def csv_rows(entries):
    """The entries as CSV lines, one at a time (for a streaming response)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # the BOM makes spreadsheets read UTF-8
    for entry in entries.iterator(chunk_size=2000):
        values = [getattr(entry, column) for column in CSV_COLUMNS]
        values[0] = entry.created.isoformat()
        values[-1] = json.dumps(entry.detail, ensure_ascii=False) if entry.detail else ""
        yield writer.writerow([safe_cell(value) for value in values])


def csv_response(entries):
    """The entries as a streamed CSV download (memory stays flat however long the log)."""
    response = StreamingHttpResponse(csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response
