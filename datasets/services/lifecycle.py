"""Dataset lifecycle: creating, updating, publishing, archiving and deleting a catalog entry."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.stored_files import delete_stored_files

from .. import field_owners, identifiers
from ..models import Activity, Dataset, ResourceVersion
from .announcements import announce_dataset_changed
from .history import record_activity, recorded_value
from .metadata import clean_dataset_data
from .publishing_rights import ensure_can_publish


def _dataset_value(dataset, field):
    if field == "themes":
        return sorted(theme.code for theme in dataset.themes.all()) if dataset.pk else []
    return recorded_value(getattr(dataset, field))


def _apply(dataset, cleaned):
    themes = cleaned.pop("themes", None)
    for field, value in cleaned.items():
        setattr(dataset, field, value)
    return themes


@transaction.atomic
def create_dataset(*, user, organization, data, state=Dataset.State.DRAFT):
    ensure_can_publish(user, organization)
    cleaned = clean_dataset_data(data)
    identifiers.ensure_available(cleaned["identifier"])
    dataset = Dataset(organization=organization, state=state, name=identifiers.name_for(cleaned["identifier"]))
    themes = _apply(dataset, dict(cleaned))
    if state == Dataset.State.PUBLISHED:
        dataset.published_at = timezone.now()
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        raise identifiers.unavailable(cleaned["identifier"]) from None
    if themes is not None:
        dataset.themes.set(themes)
    record_activity(user, Activity.Action.CREATED, dataset=dataset)
    announce_dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def update_dataset(*, user, dataset, data):
    ensure_can_publish(user, dataset.organization)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    cleaned = clean_dataset_data(data, instance=dataset)
    changes = {}
    for field, value in cleaned.items():
        old = _dataset_value(dataset, field)
        new = sorted(theme.code for theme in value) if field == "themes" else recorded_value(value)
        if old != new:
            changes[field] = [old, new]
    _refuse_owned_changes(dataset, changes)
    themes = _apply(dataset, cleaned)
    dataset.save()
    if themes is not None:
        dataset.themes.set(themes)
    if changes:
        record_activity(user, Activity.Action.UPDATED, dataset=dataset, changes=changes)
    announce_dataset_changed(dataset.pk)
    return dataset


def _refuse_owned_changes(dataset, changes):
    """A field another system owns (a harvest source) changes only there: refuse, naming each field."""
    owned = field_owners.owned_fields(dataset) if changes else {}
    refused = {field: _("此字段由 %(owner)s 维护，不能在本平台修改。") % {"owner": owned[field]}
               for field in changes if field in owned}
    if refused:
        raise ValidationError(refused)


def set_state(dataset, state, now=None):
    """Put `dataset` in `state` in memory, its first publication dated; the fields to save.

    What every state change writes, one dataset at a time (_move_to) or in bulk (the harvest writer)."""
    dataset.state = state
    if state != Dataset.State.PUBLISHED:
        return ["state"]
    dataset.published_at = dataset.published_at or now or timezone.now()
    return ["state", "published_at"]


def _move_to(user, dataset, state, action):
    """Change a dataset's state (once: a repeat changes nothing), recording who did it, and announce it."""
    ensure_can_publish(user, dataset.organization)
    if dataset.state == state:
        return dataset
    previous = dataset.state
    dataset.save(update_fields=["modified", *set_state(dataset, state)])
    record_activity(user, action, dataset=dataset, changes={"state": [previous, dataset.state]})
    announce_dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def publish_dataset(*, user, dataset):
    return _move_to(user, dataset, Dataset.State.PUBLISHED, Activity.Action.PUBLISHED)


@transaction.atomic
def archive_dataset(*, user, dataset):
    return _move_to(user, dataset, Dataset.State.ARCHIVED, Activity.Action.ARCHIVED)


@transaction.atomic
def delete_dataset(*, user, dataset):
    """Delete a dataset and its files; its history rows stay, detached."""
    ensure_can_publish(user, dataset.organization)
    dataset_id = dataset.pk
    record_activity(user, Activity.Action.DELETED, organization=dataset.organization,
                    changes={"identifier": [dataset.identifier, None]})
    stored = list(ResourceVersion.objects.filter(resource__dataset=dataset).values_list("file", flat=True))
    dataset.delete()
    transaction.on_commit(lambda: delete_stored_files(stored))
    announce_dataset_changed(dataset_id)
