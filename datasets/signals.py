"""Signals the catalog sends so other apps (search) can follow it without datasets knowing them."""
from django.dispatch import Signal

# Sent after commit with dataset_ids (sorted) whenever datasets, their resources or
# their organization/themes change, or they are deleted (then the rows are gone); once
# per transaction, with every dataset it changed (a catalog import's batch, a rename).
dataset_changed = Signal()

# Sent after commit with resource_id and version_id whenever a file resource gets
# a new version (its first upload included), so the datastore can load it.
resource_version_created = Signal()
