"""What organizations announce, so the catalog can record its history without this app knowing it."""
from django.dispatch import Signal

# Sent inside the transaction with actor, organization, created (bool) and changes
# ({field: [old, new]}, empty on creation) when an organization is saved.
organization_saved = Signal()

# Sent inside the transaction with actor, organization and change ([old, new] of "username:roles")
# when a member gains or loses roles.
membership_changed = Signal()
