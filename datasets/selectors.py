"""Catalog queries reused by pages, the API, downloads and search, for one `viewer` (datasets.grading.Viewer)."""
from django.db import connections
from django.db.models import Aggregate, Avg, Count, JSONField, OuterRef, Prefetch, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONArray
from django.http import Http404

from organizations.selectors import listed_organizations

from .list_entries import ListEntry, Ref
from .models import Activity, Dataset, Resource, Theme


def datasets_for(viewer):
    """Datasets the viewer may see, with what list views need fetched in a fixed number of queries."""
    queryset = Dataset.objects.select_related("organization", "licence").prefetch_related(
        # The current version comes along: whether its file is held back (grading) is asked per resource.
        "themes", Prefetch("resources", queryset=Resource.objects.select_related("current_version")
                           .order_by("position", "id"))
    )
    return viewer.filter_visible(queryset)


def _listed(datasets):
    return datasets.filter(state=Dataset.State.PUBLISHED)


def listed_datasets_for(viewer):
    """What catalog lists show by default: published datasets the viewer may see."""
    return _listed(datasets_for(viewer))


# What a list entry reads of a dataset, its organization and its licence, in one row.
LIST_ROW_FIELDS = (
    "pk", "identifier", "title", "title_en", "description", "description_en", "keywords", "keywords_en",
    "open_grade", "state", "update_frequency", "download_count", "metadata_score", "modified", "published_at",
    "organization__slug", "organization__name_zh", "organization__name_en",
    "licence__code", "licence__title_zh", "licence__title_en", "licence__url",
)


class _JSONArrayAgg(Aggregate):
    """The group's values as one JSON array: PostgreSQL's jsonb_agg, SQLite's json_group_array."""

    function = "JSONB_AGG"
    output_field = JSONField()
    allow_distinct = True

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _aggregated(rows, value, **distinct):
    """One JSON array per dataset of the rows' `value` (rows with a dataset_id), for a subquery."""
    grouped = rows.filter(dataset_id=OuterRef("pk")).order_by().values("dataset_id")
    return Subquery(grouped.annotate(found=_JSONArrayAgg(value, **distinct)).values("found"))


def list_ids_for(viewer, listed=True):
    """The ids of the datasets the viewer may see (`listed`: those listed_datasets_for lists), for a list
    to filter, order and page before list_entries reads the page."""
    datasets = viewer.filter_visible(Dataset.objects.all())
    return (_listed(datasets) if listed else datasets).values_list("pk", flat=True)


def list_entries(page):
    """A ListEntry for each dataset of `page` (a slice of list_ids_for, ordered), in its order, in one query
    whatever the page size: the rows of LIST_ROW_FIELDS with their themes ([position, code, name_zh,
    name_en]) and their resources' distinct formats aggregated as JSON arrays, and no model instance. The
    page's ids are chosen in a subquery first: PostgreSQL would compute the aggregates of every row an
    OFFSET skips."""
    rows = Dataset.objects.filter(pk__in=page).order_by(*page.query.order_by).values(
        *LIST_ROW_FIELDS,
        theme_list=_aggregated(Dataset.themes.through.objects, JSONArray(
            "theme__position", "theme__code", "theme__name_zh", "theme__name_en")),
        format_list=_aggregated(Resource.objects.exclude(format=""), "format", distinct=True),
    )
    return [_entry(row) for row in rows]


def _entry(row):
    """Themes in the vocabulary's order, formats sorted."""
    return ListEntry(
        identifier=row["identifier"], title=row["title"], title_en=row["title_en"], description=row["description"],
        description_en=row["description_en"], keywords=row["keywords"], keywords_en=row["keywords_en"],
        organization=Ref(slug=row["organization__slug"], name_zh=row["organization__name_zh"],
                         name_en=row["organization__name_en"]),
        themes=[Ref(code=code, name_zh=name_zh, name_en=name_en)
                for _position, code, name_zh, name_en in sorted(row["theme_list"] or ())],
        licence=Ref(code=row["licence__code"], title_zh=row["licence__title_zh"], title_en=row["licence__title_en"],
                    url=row["licence__url"]) if row["licence__code"] else None,
        open_grade=row["open_grade"], state=row["state"], update_frequency=row["update_frequency"],
        formats=sorted(row["format_list"] or ()), modified=row["modified"], published_at=row["published_at"],
        download_count=row["download_count"], metadata_score=row["metadata_score"],
    )


def is_listed_for(viewer, dataset):
    """Whether listed_datasets_for(viewer) lists the dataset, asked of one dataset without a query."""
    return dataset.state == Dataset.State.PUBLISHED and viewer.can_view(dataset)


def dataset_for(viewer, identifier):
    """The dataset, or 404 when it does not exist *for this viewer* (restricted ones included)."""
    try:
        return datasets_for(viewer).get(identifier=identifier)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def resource_for(viewer, resource_id, queryset=None):
    """A resource of a dataset the viewer may see, or 404.

    `queryset`: of Resource, with what the caller reads next joined in the same query (the datastore's active table).
    """
    queryset = (Resource.objects if queryset is None else queryset).select_related("dataset__organization",
                                                                                   "current_version")
    try:
        resource = queryset.get(pk=resource_id)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise Http404("No such resource") from None
    if not viewer.can_view(resource.dataset):
        raise Http404("No such resource")
    return resource


def dataset_activity(dataset, limit=50):
    return (
        Activity.objects.filter(dataset=dataset)
        .select_related("actor", "resource")
        .order_by("-created", "-id")[:limit]
    )


def organizations_with_counts(viewer):
    """Listed organizations (organizations.selectors) with the number of published datasets this viewer can see in
    each, and their average metadata score (None when none is scored: "no data", never 0)."""
    visible_ids = listed_datasets_for(viewer).values("pk")
    return listed_organizations().annotate(
        dataset_count=Count("datasets", filter=Q(datasets__in=visible_ids), distinct=True),
        average_metadata_score=Avg("datasets__metadata_score", filter=Q(datasets__in=visible_ids)),
    )


def average_metadata_score(datasets):
    """The average stored metadata score of a dataset queryset (already limited to what a viewer sees), or None."""
    return datasets.aggregate(average=Avg("metadata_score"))["average"]


def theme_counts(dataset_ids):
    """{theme id: number of the datasets (a pk subquery) filed under it}; a top-level theme's count
    includes its sub-themes' datasets, each counted once.

    Counted in the database (two grouped queries), so the cost does not grow with the catalog.
    """
    links = Dataset.themes.through.objects.filter(dataset__in=dataset_ids).order_by()
    sub_themes = dict(
        links.filter(theme__parent__isnull=False)
        .values("theme_id").annotate(n=Count("dataset_id", distinct=True)).values_list("theme_id", "n")
    )
    top_level = dict(
        links.annotate(root=Coalesce("theme__parent_id", "theme_id"))
        .values("root").annotate(n=Count("dataset_id", distinct=True)).values_list("root", "n")
    )
    return {**sub_themes, **top_level}


def theme_tree_with_counts(viewer):
    """Top-level themes, each with `sub_themes`; a parent's count includes its sub-themes' datasets."""
    counts = theme_counts(listed_datasets_for(viewer).values("pk"))
    themes = list(Theme.objects.all())
    roots, by_id = [], {theme.pk: theme for theme in themes}
    for theme in themes:
        theme.sub_themes = []
        theme.dataset_count = counts.get(theme.pk, 0)
    for theme in themes:
        (by_id[theme.parent_id].sub_themes if theme.parent_id else roots).append(theme)
    return roots


def filter_theme(queryset, theme):
    """Datasets filed under the theme or, for a top-level theme, any of its sub-themes."""
    links = Dataset.themes.through.objects.filter(Q(theme=theme) | Q(theme__parent=theme))
    return queryset.filter(pk__in=links.values("dataset_id"))


def filter_keyword(queryset, keyword):
    """Datasets tagged with exactly `keyword`, on PostgreSQL and on the embedded SQLite."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(keywords__contains=[keyword])
    # SQLite has no JSON containment lookup; json_each walks the array instead.
    tagged = RawSQL(
        f"SELECT d.id FROM {Dataset._meta.db_table} d, json_each(d.keywords) k WHERE k.value = %s", [keyword]
    )
    return queryset.filter(pk__in=tagged)
