"""Which data accesses the audit log records: those of conditional data (grading.is_audited)."""
from audit import deliveries
from audit.models import AuditEntry

from .grading import is_audited


def download_audit(request, dataset, resource=None, action=AuditEntry.Action.DATA_DOWNLOAD):
    """A DeliveryAudit when the dataset's accesses are audited, else None.

    Data queries (datastore rows and aggregates) pass action=DATA_QUERY.
    """
    if not is_audited(dataset):
        return None
    return deliveries.DeliveryAudit(request, dataset, resource, action)


def record_refusal(request, dataset, resource, status_code, code, api_key=None):
    """Record a 401/403 on data whose accesses are audited."""
    if is_audited(dataset):
        deliveries.record_refusal(request, dataset, resource, status_code, code, api_key=api_key)
