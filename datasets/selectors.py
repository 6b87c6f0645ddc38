"""Catalog queries reused by pages, the API, downloads and search, for one `viewer` (datasets.grading.Viewer)."""
from django.db import connections
from django.db.models import Avg, Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404

from organizations.selectors import listed_organizations

from .models import Activity, Dataset, Resource, Theme


def datasets_for(viewer):
    """Datasets the viewer may see, with what list views need fetched in a fixed number of queries."""
    queryset = Dataset.objects.select_related("organization", "licence").prefetch_related(
        # The current version comes along: whether its file is held back (grading) is asked per resource.
        "themes", Prefetch("resources", queryset=Resource.objects.select_related("current_version")
                           .order_by("position", "id"))
    )
    return viewer.filter_visible(queryset)


def listed_datasets_for(viewer):
    """What catalog lists show by default: published datasets the viewer may see."""
    return datasets_for(viewer).filter(state=Dataset.State.PUBLISHED)


def is_listed_for(viewer, dataset):
    """Whether listed_datasets_for(viewer) lists the dataset, asked of one dataset without a query."""
    return dataset.state == Dataset.State.PUBLISHED and viewer.can_view(dataset)


def dataset_for(viewer, identifier):
    """The dataset, or 404 when it does not exist *for this viewer* (restricted ones included)."""
    try:
        return datasets_for(viewer).get(identifier=identifier)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def resource_for(viewer, resource_id):
    """A resource of a dataset the viewer may see, or 404."""
    queryset = Resource.objects.select_related("dataset__organization", "current_version")
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
