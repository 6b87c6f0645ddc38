"""The indexed document of a dataset, built from the database; both backends index exactly this.

Only published datasets are searchable (search lists nothing else); any other
dataset, or a deleted one, has no document and is removed from the indexes.
"""
from django.db.models import Prefetch

from datasets.models import Dataset, Resource

# Which document fields are searched as text, grouped by weight (title > keywords > body).
TEXT_FIELDS = {
    "title": ("title",),
    "keywords": ("keywords",),
    "body": (
        "description", "organization_name_zh", "organization_name_en", "organization_slug", "theme_names",
        "resource_names", "formats", "columns", "region",
    ),
}


def searchable_datasets():
    return (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .select_related("organization", "licence")
        .defer("spatial_geojson")  # large, and not searched
        .prefetch_related("themes__parent", Prefetch("resources", queryset=Resource.objects.only(
            "dataset", "name", "format", "table_schema", "position").order_by("position", "id")))
        .order_by("pk")
    )


def searchable_versions():
    """{dataset_id: modified} of every searchable dataset, to compare with an index."""
    return dict(searchable_datasets().values_list("pk", "modified"))


def _columns(resource):
    schema = resource.table_schema if isinstance(resource.table_schema, dict) else {}
    names = []
    for column in schema.get("fields") or []:
        if isinstance(column, dict):
            names.extend(str(column[key]) for key in ("name", "title") if column.get(key))
    return names


def _unique(values):
    return list(dict.fromkeys(value for value in values if value))


def build_document(dataset):
    """The search document of a dataset (use searchable_datasets() to fetch it efficiently)."""
    themes = list(dataset.themes.all())
    all_themes = themes + [theme.parent for theme in themes if theme.parent_id]
    resources = list(dataset.resources.all())
    bbox = dataset.spatial_bbox if isinstance(dataset.spatial_bbox, list) and len(dataset.spatial_bbox) == 4 else None
    return {
        "id": dataset.pk,
        "identifier": dataset.identifier,
        "title": dataset.title,
        "description": dataset.description,
        "keywords": _unique(dataset.keywords or []),
        "organization_id": dataset.organization_id,
        "organization_slug": dataset.organization.slug,
        "organization_name_zh": dataset.organization.name_zh,
        "organization_name_en": dataset.organization.name_en,
        "themes": _unique(theme.code for theme in all_themes),
        "theme_names": _unique(name for theme in all_themes for name in (theme.name_zh, theme.name_en)),
        "resource_names": _unique(resource.name for resource in resources),
        "formats": _unique(resource.format.upper() for resource in resources),
        "columns": _unique(name for resource in resources for name in _columns(resource)),
        "licence": dataset.licence.code if dataset.licence else "",
        "open_grade": dataset.open_grade,
        "state": dataset.state,
        "update_frequency": dataset.update_frequency,
        "region": dataset.spatial_region,
        "modified": dataset.modified.isoformat(),
        "published_at": dataset.published_at.isoformat() if dataset.published_at else None,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "bbox_west": bbox[0] if bbox else None,
        "bbox_south": bbox[1] if bbox else None,
        "bbox_east": bbox[2] if bbox else None,
        "bbox_north": bbox[3] if bbox else None,
        "download_count": dataset.download_count,
    }


def text_of(document, group):
    """The text values of one weight group of a document, as a flat list of strings."""
    values = []
    for name in TEXT_FIELDS[group]:
        value = document.get(name)
        values.extend(value if isinstance(value, list) else [value] if value else [])
    return values


def documents_for(dataset_ids):
    """Documents of the searchable datasets among these ids."""
    return [build_document(dataset) for dataset in searchable_datasets().filter(pk__in=list(dataset_ids))]


def iter_document_batches(batch_size=1000):
    """Every searchable document, as lists of at most `batch_size` (a fixed number of queries per batch)."""
    ids = list(searchable_datasets().values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        yield documents_for(ids[start:start + batch_size])


def iter_documents(batch_size=1000):
    """Every searchable document, fetched in batches (for rebuilds)."""
    for documents in iter_document_batches(batch_size):
        yield from documents
