"""Signals of the API key app, so higher layers (the audit log in access) learn of key events without apikeys importing them."""
from django.dispatch import Signal

# Sent inside the step's transaction with sender=ApiKey and event ("issued", "revoked", "rotated"),
# key (for "rotated": the new key), user (who acted) and, for "rotated", replaced (the old key).
key_changed = Signal()
