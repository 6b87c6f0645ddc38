"""Writing the audit log: `record_audit` for every decision, every conditional-data access and refusal,
every key event; `flush_repeats` for the summaries of counted repeats (audit.repeats)."""
from django.core.exceptions import ObjectDoesNotExist

from . import repeats
from .models import AuditEntry


def _key_of(credential):
    """The credential when it is an API key (the only kind the log keeps), else None."""
    key_model = AuditEntry._meta.get_field("api_key").related_model
    return credential if isinstance(credential, key_model) else None


def record_audit(action, *, actor=None, api_key=None, organization=None, dataset=None, resource=None,
                 bytes=None, ip_address=None, detail=None, bounded=True):  # noqa: A002 - the log's own word for it
    """Append one entry to the audit log. `api_key` may be any credential; only an ApiKey is kept.

    Refusals and data queries are bounded (audit.repeats): a repeat by the same
    caller on the same dataset within the minute is only counted, and None is
    returned; `bounded=False` is for the summary entry of such counted repeats.
    """
    api_key = _key_of(api_key)
    actor = actor if actor is not None and actor.is_authenticated else None
    if dataset is None and resource is not None:
        dataset = resource.dataset
    if organization is None and dataset is not None:
        organization = dataset.organization
    window = repeats.window(action, api_key=api_key, actor=actor, ip_address=ip_address,
                            dataset=dataset) if bounded else None
    if not repeats.is_first(window, bytes):
        return None
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor, actor_username=actor.get_username() if actor else "",
        api_key=api_key, key_prefix=api_key.prefix if api_key else "",
        organization=organization, organization_label=organization.name_zh if organization else "",
        dataset=dataset, dataset_identifier=dataset.identifier if dataset else "",
        resource=resource, resource_label=resource.name if resource else "",
        bytes=bytes, ip_address=ip_address, detail=detail or {},
    )
    repeats.remember(window, entry)
    return entry


def _still(entry, name):
    """The object a loose reference of the entry names, or None once it is gone."""
    try:
        return getattr(entry, name)
    except ObjectDoesNotExist:
        return None


def flush_repeats(now=None, include_current=False):
    """Write one summary entry per finished window of counted repeats; returns how many were written.

    Run every minute by audit.tasks.flush_audit_repeats; `include_current` also
    closes the running minute (manage.py flush_audit_repeats --now).
    """
    written = 0
    for field, first_id, count, bytes_sent in repeats.take_closed(now, include_current):
        first = AuditEntry.objects.filter(pk=first_id).first()
        if first is None:
            continue
        record_audit(
            first.action, actor=_still(first, "actor"), api_key=_still(first, "api_key"),
            organization=_still(first, "organization"), dataset=_still(first, "dataset"),
            resource=_still(first, "resource"), bytes=bytes_sent or None, ip_address=first.ip_address,
            detail={**first.detail, "repeats": count, "minute": repeats.minute_of(field), "first_entry": first.pk},
            bounded=False,
        )
        written += 1
    return written
