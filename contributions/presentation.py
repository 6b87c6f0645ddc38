"""What the review page shows besides the contribution itself: the metadata diff against the catalog."""
from datasets.models import Dataset

from .models import Kind


def _current(dataset, field):
    if dataset is None:
        return ""
    if field == "licence":
        return dataset.licence.code if dataset.licence else ""
    if field == "themes":
        return ", ".join(sorted(theme.code for theme in dataset.themes.all()))
    value = getattr(dataset, field, "")
    return ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))


def metadata_diff(contribution):
    """[(field, current value, proposed value, changed?)] for the contribution's metadata."""
    resource = contribution.resource if contribution.kind == Kind.NEW_VERSION else None
    dataset = None
    if contribution.kind in (Kind.CORRECTION, Kind.NEW_VERSION, Kind.NEW_RESOURCE) and contribution.dataset_id:
        dataset = Dataset.objects.filter(pk=contribution.dataset_id).first()
    rows = []
    for field, proposed in contribution.metadata.items():
        if resource is not None:
            current = str(getattr(resource, field, "") or "")
        elif contribution.kind == Kind.NEW_RESOURCE:
            current = ""
        else:
            current = _current(dataset, field)
        proposed = ", ".join(proposed) if isinstance(proposed, list) else str(proposed)
        rows.append((field, current, proposed, current != proposed))
    return rows
