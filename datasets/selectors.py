"""Catalog queries reused by pages, the API, downloads and search, for one `viewer` (datasets.grading.Viewer)."""
import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Avg, Count, Func, JSONField, OuterRef, Prefetch, Q, Subquery
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
    "identifier", "title", "title_en", "description", "description_en",
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


class _JSONValues(Func):
    """JSON values (JSON columns, aggregates) as one JSON array: a row's JSON is decoded once, not once
    a value. PostgreSQL's jsonb_build_array; SQLite's json_array of each value read as JSON (a JSON
    column there is text, which json_array would write as a string)."""

    function = "JSONB_BUILD_ARRAY"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        as_json = self.copy()
        as_json.set_source_expressions([Func(value, function="JSON", output_field=JSONField())
                                        for value in self.get_source_expressions()])
        return super(_JSONValues, as_json).as_sql(compiler, connection, function="JSON_ARRAY", **extra_context)


def _aggregated(rows, value, **distinct):
    """One JSON array per dataset of the rows' `value` (rows with a dataset_id), for a subquery."""
    grouped = rows.filter(dataset_id=OuterRef("pk")).order_by().values("dataset_id")
    return Subquery(grouped.annotate(found=_JSONArrayAgg(value, **distinct)).values("found"))


def list_ids_for(viewer, listed=True):
    """The ids of the datasets the viewer may see (`listed`: those listed_datasets_for lists), for a list
    to filter, order and page before list_entries reads the page."""
    datasets = viewer.filter_visible(Dataset.objects.all())
    return (_listed(datasets) if listed else datasets).values_list("pk", flat=True)


# The page's ids as list_entries' statement names them (a common table expression).
PAGE_IDS = "catalog_page"


@functools.lru_cache(maxsize=64)
def _entries_statement(using, order):
    """The statement list_entries runs after its page's ids, compiled once per database and order (the
    orderings' combinations are few): building and compiling its subqueries cost more than running them.
    (SQL, its own parameters, the expressions of its columns for their converters, its query.)"""
    rows = Dataset.objects.using(using).filter(pk__in=RawSQL(f"SELECT {PAGE_IDS}.id FROM {PAGE_IDS}", ())).order_by(
        *order).values_list(
        *LIST_ROW_FIELDS,
        _JSONValues(
            "keywords", "keywords_en",
            _aggregated(Dataset.themes.through.objects, JSONArray(
                "theme__position", "theme__code", "theme__name_zh", "theme__name_en")),
            _aggregated(Resource.objects.exclude(format=""), "format", distinct=True),
        ),
    )
    compiler = rows.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return sql, params, [column for column, _sql, _alias in compiler.select[:compiler.col_count]], rows.query


def list_entries(page):
    """A ListEntry for each dataset of `page` (a slice of list_ids_for, ordered), in its order, in one query
    whatever the page size: the rows of LIST_ROW_FIELDS as tuples, with one JSON array of their keywords,
    English keywords, themes ([position, code, name_zh, name_en]) and their resources' distinct formats,
    and no model instance. The page's ids are chosen first (PostgreSQL would compute the aggregates of
    every row an OFFSET skips), by the page's own SQL; the rest of the statement is _entries_statement's."""
    sql, params, columns, query = _entries_statement(page.db, tuple(page.query.order_by))
    try:
        page_sql, page_params = page.query.get_compiler(using=page.db).as_sql()
    except EmptyResultSet:  # an empty page: nothing to read
        return []
    # The converters are the connection's own (each thread has one); the rows go through them as Django's would.
    compiler = query.get_compiler(using=page.db)
    with compiler.connection.cursor() as cursor:
        cursor.execute(f"WITH {PAGE_IDS}(id) AS ({page_sql}) {sql}", (*page_params, *params))
        rows = cursor.fetchall()
    return [_entry(*row) for row in compiler.apply_converters(rows, compiler.get_converters(columns))]


def _entry(identifier, title, title_en, description, description_en, open_grade, state, update_frequency,
           download_count, metadata_score, modified, published_at, organization_slug, organization_name_zh,
           organization_name_en, licence_code, licence_title_zh, licence_title_en, licence_url, lists):
    """Themes in the vocabulary's order, formats sorted."""
    keywords, keywords_en, themes, formats = lists
    return ListEntry(
        identifier=identifier, title=title, title_en=title_en, description=description,
        description_en=description_en, keywords=keywords, keywords_en=keywords_en,
        organization=Ref(slug=organization_slug, name_zh=organization_name_zh, name_en=organization_name_en),
        themes=[Ref(code=code, name_zh=name_zh, name_en=name_en)
                for _position, code, name_zh, name_en in sorted(themes or ())],
        licence=Ref(code=licence_code, title_zh=licence_title_zh, title_en=licence_title_en, url=licence_url)
        if licence_code else None,
        open_grade=open_grade, state=state, update_frequency=update_frequency, formats=sorted(formats or ()),
        modified=modified, published_at=published_at, download_count=download_count,
        metadata_score=metadata_score,
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
