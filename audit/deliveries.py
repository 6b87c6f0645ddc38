"""Audit entries for data handed over or refused; which accesses are audited is the catalog's rule
(datasets.access_audit), so these record whatever they are given."""
from . import services
from .models import AuditEntry


class DeliveryAudit:
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


def record_refusal(request, dataset, resource, status_code, code, api_key=None):
    """A 401/403: who tried (key, user or address), on what, and why.

    `api_key` names the key when its authentication itself failed (revoked, expired):
    request.auth is empty then. Bounded per caller, dataset and minute (audit.repeats).
    """
    services.record_audit(
        AuditEntry.Action.DATA_REFUSED, actor=request.user, api_key=api_key or getattr(request, "auth", None),
        dataset=dataset, resource=resource, ip_address=request.META.get("REMOTE_ADDR") or None,
        detail={"path": request.path, "status": status_code, "code": code},
    )
