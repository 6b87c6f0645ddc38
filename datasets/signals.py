"""Signals the catalog sends so other apps (search) can follow it without datasets knowing them."""
from django.dispatch import Signal

# Sent after commit with dataset_id whenever a dataset, its resources or its
# organization/themes change, or it is deleted (then the row is gone).
dataset_changed = Signal()

# Sent after commit with resource_id and version_id whenever a file resource gets
# a new version (its first upload included), so the datastore can load it.
resource_version_created = Signal()
