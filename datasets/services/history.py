"""History: the Activity rows that say who changed what in the catalog, and from what to what."""
import datetime

from ..models import Activity, Licence, Theme


def recorded_value(value):
    """A value as a history row's changes keep it: JSON, vocabulary entries by their code."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (Licence, Theme)):
        return value.code
    if isinstance(value, (list, tuple)):
        return [recorded_value(item) for item in value]
    return value


def record_activity(actor, action, *, dataset=None, resource=None, organization=None, changes=None):
    activity = build_activity(actor, action, dataset=dataset, resource=resource,
                              organization=organization, changes=changes)
    activity.save()
    return activity


def build_activity(actor, action, *, dataset=None, resource=None, organization=None, changes=None):
    """An unsaved history row (bulk loaders save many at once)."""
    target = resource or dataset or organization
    object_type = (
        Activity.ObjectType.RESOURCE if resource else
        Activity.ObjectType.DATASET if dataset else Activity.ObjectType.ORGANIZATION
    )
    return Activity(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_label=str(target)[:300],
        organization=organization or (dataset.organization if dataset else None),
        dataset=dataset,
        resource=resource,
        changes=changes or {},
    )
