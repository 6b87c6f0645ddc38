"""The catalog's side of organization changes: history rows, and re-indexing a renamed organization's datasets.

Connected in DatasetsConfig.ready(), since organizations sit below the catalog and do not know it.
"""
from .models import Activity
from .services.announcements import announce_dataset_changed
from .services.history import record_activity


def record_organization_saved(sender, *, actor, organization, created, changes, **kwargs):
    if created:
        record_activity(actor, Activity.Action.CREATED, organization=organization)
        return
    record_activity(actor, Activity.Action.UPDATED, organization=organization, changes=changes)
    for dataset_id in organization.datasets.values_list("pk", flat=True):
        announce_dataset_changed(dataset_id)


def record_membership_changed(sender, *, actor, organization, change, **kwargs):
    record_activity(actor, Activity.Action.UPDATED, organization=organization, changes={"member": change})
