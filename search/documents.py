"""The indexed document of a dataset, built from the database; both backends index exactly this.

Only published datasets are searchable (search lists nothing else); any other
dataset, or a deleted one, has no document and is removed from the indexes.

Besides the searched and filtered fields, a document carries its `summary`:
what a search result shows (search.summaries), names in both languages, stored
and returned by the engines but never searched. Results are built from it, so a
page of hits needs no dataset, organization, theme or resource loaded.
"""
from django.db.models import Prefetch

from datasets.models import Dataset, Resource

from .query import tokenize
from .stemming import stems

# Which document fields are searched as text, grouped by weight (title > keywords > body). The English
# title is weighed with the keywords: the title group is the Chinese title alone, whose tokens are also
# the exact-title key of the ranking (search.query); Elasticsearch boosts title_en as much as the title.
TEXT_FIELDS = {
    "title": ("title",),
    "keywords": ("keywords", "title_en", "keywords_en"),
    "body": (
        "description", "description_en", "organization_name_zh", "organization_name_en", "organization_slug",
        "theme_names", "resource_names", "formats", "columns", "region",
    ),
}


# Bump with any change to what indexed text becomes (search.normalizer, the tokenizer in search.query,
# search.stemming, this document's searched fields): `rebuild_search_index` then rebuilds the database
# fallback too, which a rebuild on Elasticsearch otherwise only reconciles.
# 3: the metadata score (quality facet and sort) joined the document and the database entries.
ANALYSIS_VERSION = 3


def _published():
    return Dataset.objects.filter(state=Dataset.State.PUBLISHED)


def searchable_datasets():
    return (
        _published()
        .select_related("organization", "licence")
        .defer("spatial_geojson")  # large, and not searched
        .prefetch_related("themes__parent", Prefetch("resources", queryset=Resource.objects.only(
            "dataset", "name", "name_en", "format", "table_schema", "position").order_by("position", "id")))
        .order_by("pk")
    )


def searchable_versions():
    """{dataset_id: modified} of every searchable dataset, to compare with an index."""
    return dict(searchable_datasets().values_list("pk", "modified"))


def _columns(table_schema):
    schema = table_schema if isinstance(table_schema, dict) else {}
    names = []
    for column in schema.get("fields") or []:
        if isinstance(column, dict):
            names.extend(str(column[key]) for key in ("name", "title") if column.get(key))
    return names


def _unique(values):
    return list(dict.fromkeys(value for value in values if value))


# Dataset columns a document needs, as `values()` names (one query per batch, no model instances).
ROW_FIELDS = (
    "pk", "identifier", "title", "title_en", "description", "description_en", "keywords", "keywords_en",
    "organization_id", "organization__slug",
    "organization__name_zh", "organization__name_en", "licence__code", "licence__title_zh", "licence__title_en",
    "licence__url", "open_grade", "state", "update_frequency",
    "spatial_region", "modified", "published_at", "temporal_start", "temporal_end", "spatial_bbox", "download_count",
    "metadata_score",
)
THEME_FIELDS = ("code", "name_zh", "name_en")


def _iso(value):
    return value.isoformat() if value else None


def _summary(row, themes, formats):
    """What a search result shows (see search.summaries.DatasetSummary), names in both languages."""
    licence = {"code": row["licence__code"], "title_zh": row["licence__title_zh"],
               "title_en": row["licence__title_en"], "url": row["licence__url"]} if row["licence__code"] else None
    return {
        "identifier": row["identifier"],
        "title": row["title"],
        "title_en": row["title_en"],
        "description": row["description"],
        "description_en": row["description_en"],
        "organization": {"slug": row["organization__slug"], "name_zh": row["organization__name_zh"],
                         "name_en": row["organization__name_en"]},
        "themes": [{"code": code, "name_zh": zh, "name_en": en} for code, zh, en in themes],
        "keywords": row["keywords"] or [],
        "keywords_en": row["keywords_en"] or [],
        "licence": licence,
        "open_grade": row["open_grade"],
        "state": row["state"],
        "update_frequency": row["update_frequency"],
        "formats": sorted(formats),
        "modified": row["modified"].isoformat(),
        "published_at": _iso(row["published_at"]),
    }


def _document(row, themes, parents, resources):
    """The document from a dataset row (ROW_FIELDS), its themes and their parents ((code, name_zh, name_en)),
    and its resources in order ((name, name_en, format, table_schema))."""
    bbox = row["spatial_bbox"] if isinstance(row["spatial_bbox"], list) and len(row["spatial_bbox"]) == 4 else None
    all_themes = themes + parents
    formats = _unique(fmt.upper() for _name, _name_en, fmt, _schema in resources)
    title_tokens = tokenize(row["title"])
    return {
        "id": row["pk"],
        "identifier": row["identifier"],
        "title": row["title"],
        "title_tokens": " ".join(title_tokens),
        "title_stems": " ".join(stems(title_tokens)),
        "title_en": row["title_en"],
        "description": row["description"],
        "description_en": row["description_en"],
        "keywords": _unique(row["keywords"] or []),
        "keywords_en": _unique(row["keywords_en"] or []),
        "organization_id": row["organization_id"],
        "organization_slug": row["organization__slug"],
        "organization_name_zh": row["organization__name_zh"],
        "organization_name_en": row["organization__name_en"],
        "themes": _unique(code for code, _zh, _en in all_themes),
        "theme_names": _unique(name for _code, zh, en in all_themes for name in (zh, en)),
        "resource_names": _unique(name for *names, _format, _schema in resources for name in names),
        "formats": formats,
        "columns": _unique(name for *_names, _format, schema in resources for name in _columns(schema)),
        "licence": row["licence__code"] or "",
        "open_grade": row["open_grade"],
        "state": row["state"],
        "update_frequency": row["update_frequency"],
        "region": row["spatial_region"],
        "modified": row["modified"].isoformat(),
        "published_at": _iso(row["published_at"]),
        "temporal_start": _iso(row["temporal_start"]),
        "temporal_end": _iso(row["temporal_end"]),
        "bbox_west": bbox[0] if bbox else None,
        "bbox_south": bbox[1] if bbox else None,
        "bbox_east": bbox[2] if bbox else None,
        "bbox_north": bbox[3] if bbox else None,
        "download_count": row["download_count"],
        # quality.metadata_score's 0-100, None until computed: filtered and sorted on, never searched.
        "metadata_score": row["metadata_score"],
        "summary": _summary(row, themes, formats),
    }


def _theme_tuple(theme):
    return tuple(getattr(theme, name) for name in THEME_FIELDS)


def build_document(dataset):
    """The search document of one dataset instance (batches use documents_for, which reads rows instead)."""
    row = {name: getattr(dataset, name) for name in ROW_FIELDS if "__" not in name}
    organization, licence = dataset.organization, dataset.licence
    row.update(organization__slug=organization.slug, organization__name_zh=organization.name_zh,
               organization__name_en=organization.name_en,
               **{f"licence__{name}": getattr(licence, name) if licence else None
                  for name in ("code", "title_zh", "title_en", "url")})
    themes = list(dataset.themes.all())
    resources = [(resource.name, resource.name_en, resource.format, resource.table_schema)
                 for resource in dataset.resources.all()]
    return _document(row, [_theme_tuple(theme) for theme in themes],
                     [_theme_tuple(theme.parent) for theme in themes if theme.parent_id], resources)


def text_of(document, group):
    """The text values of one weight group of a document, as a flat list of strings."""
    values = []
    for name in TEXT_FIELDS[group]:
        value = document.get(name)
        values.extend(value if isinstance(value, list) else [value] if value else [])
    return values


def documents_for(dataset_ids):
    """Documents of the searchable datasets among these ids, from three `values()` queries."""
    ids = list(dataset_ids)
    rows = list(_published().filter(pk__in=ids).order_by("pk").values(*ROW_FIELDS))
    found = [row["pk"] for row in rows]
    themes, parents = {}, {}
    for link in (Dataset.themes.through.objects.filter(dataset_id__in=found)
                 .order_by("theme__position", "theme__code")
                 .values_list("dataset_id", *(f"theme__{name}" for name in THEME_FIELDS),
                              *(f"theme__parent__{name}" for name in THEME_FIELDS))):
        themes.setdefault(link[0], []).append(link[1:4])
        if link[4] is not None:
            parents.setdefault(link[0], []).append(link[4:7])
    resources = {}
    for dataset_id, *resource in (Resource.objects.filter(dataset_id__in=found).order_by("position", "id")
                                  .values_list("dataset_id", "name", "name_en", "format", "table_schema")):
        resources.setdefault(dataset_id, []).append(resource)
    return [_document(row, themes.get(row["pk"], []), parents.get(row["pk"], []), resources.get(row["pk"], []))
            for row in rows]


def iter_document_batches(batch_size=1000):
    """Every searchable document, as lists of at most `batch_size` (a fixed number of queries per batch)."""
    ids = list(searchable_datasets().values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        yield documents_for(ids[start:start + batch_size])


def iter_documents(batch_size=1000):
    """Every searchable document, fetched in batches (for rebuilds)."""
    for documents in iter_document_batches(batch_size):
        yield from documents
