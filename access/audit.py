"""The audit side of data delivery and keys: conditional data served, queried or refused; keys issued,
revoked and rotated; the summaries of counted repeats; and the CSV export."""
import csv
import json

from django.core.exceptions import ObjectDoesNotExist
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.spreadsheets import safe_cell
from datasets.models import OpenGrade

from . import repeats, services
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

    Data queries (datastore rows and aggregates) pass action=DATA_QUERY.
    """
    if dataset.open_grade != OpenGrade.CONDITIONAL:
        return None
    return DownloadAudit(request, dataset, resource, action)


def record_refusal(request, dataset, resource, status_code, code, api_key=None):
    """A 401/403 on conditional data: who tried (key, user or address), on what, and why.

    `api_key` names the key when its authentication itself failed (revoked, expired):
    request.auth is empty then. Bounded per caller, dataset and minute (access.repeats).
    """
    if dataset.open_grade != OpenGrade.CONDITIONAL:
        return
    services.record_audit(
        AuditEntry.Action.DATA_REFUSED, actor=request.user, api_key=api_key or getattr(request, "auth", None),
        dataset=dataset, resource=resource, ip_address=request.META.get("REMOTE_ADDR") or None,
        detail={"path": request.path, "status": status_code, "code": code},
    )


KEY_ACTIONS = {"issued": AuditEntry.Action.KEY_ISSUED, "revoked": AuditEntry.Action.KEY_REVOKED,
               "rotated": AuditEntry.Action.KEY_ROTATED}


def record_key_event(sender, *, event, key, user, replaced=None, **kwargs):
    """apikeys.signals.key_changed: one entry per key issued, revoked or rotated, in the step's transaction."""
    detail = {"name": key.name, "scopes": list(key.scopes)}
    if replaced is not None:
        detail.update(replaces=replaced.prefix, grace_until=replaced.grace_until.isoformat())
    services.record_audit(KEY_ACTIONS[event], actor=user, api_key=key, organization=key.organization,
                          detail=detail)


def _still(entry, name):
    """The object a loose reference of the entry names, or None once it is gone."""
    try:
        return getattr(entry, name)
    except ObjectDoesNotExist:
        return None


def flush_repeats(now=None, include_current=False):
    """Write one summary entry per finished window of counted repeats; returns how many were written.

    Run every minute by access.tasks.flush_audit_repeats; `include_current` also
    closes the running minute (manage.py flush_audit_repeats --now).
    """
    written = 0
    for field, first_id, count, bytes_sent in repeats.take_closed(now, include_current):
        first = AuditEntry.objects.filter(pk=first_id).first()
        if first is None:
            continue
        services.record_audit(
            first.action, actor=_still(first, "actor"), api_key=_still(first, "api_key"),
            organization=_still(first, "organization"), dataset=_still(first, "dataset"),
            resource=_still(first, "resource"), bytes=bytes_sent or None, ip_address=first.ip_address,
            detail={**first.detail, "repeats": count, "minute": repeats.minute_of(field), "first_entry": first.pk},
            bounded=False,
        )
        written += 1
    return written


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
