"""Key events in the audit log: one entry per key issued, revoked or rotated, in the step's transaction."""
from audit.models import AuditEntry
from audit.services import record_audit

KEY_ACTIONS = {"issued": AuditEntry.Action.KEY_ISSUED, "revoked": AuditEntry.Action.KEY_REVOKED,
               "rotated": AuditEntry.Action.KEY_ROTATED}


def record_key_event(event, *, key, user, replaced=None):
    detail = {"name": key.name, "scopes": list(key.scopes)}
    if replaced is not None:
        detail.update(replaces=replaced.prefix, grace_until=replaced.grace_until.isoformat())
    record_audit(KEY_ACTIONS[event], actor=user, api_key=key, organization=key.organization, detail=detail)
