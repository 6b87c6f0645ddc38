"""The audit log as a CSV download, streamed."""
import csv
import json

from django.http import StreamingHttpResponse
from django.utils import timezone

from core.spreadsheets import safe_cell

CSV_COLUMNS = ("created", "action", "actor_username", "key_prefix", "organization_label", "dataset_identifier",
               "resource_label", "bytes", "ip_address", "detail")


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
