"""Reading the audit log."""
from .models import AuditEntry


def audit_entries(filters):
    """The audit log narrowed by `filters` (a dict of cleaned filter values; empty ones are ignored)."""
    queryset = AuditEntry.objects.all()
    if filters.get("actor"):
        queryset = queryset.filter(actor_username__iexact=filters["actor"])
    if filters.get("key_prefix"):
        queryset = queryset.filter(key_prefix__istartswith=filters["key_prefix"])
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("dataset"):
        queryset = queryset.filter(dataset_identifier=filters["dataset"])
    if filters.get("organization"):
        queryset = queryset.filter(organization_label__icontains=filters["organization"])
    if filters.get("since"):
        queryset = queryset.filter(created__date__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(created__date__lte=filters["until"])
    return queryset.order_by("-created", "-id")
