"""The catalog queries the CKAN actions read, all through the viewer's grade rules (datasets.grading)."""
import uuid

from django.db.models import Count, Prefetch, Q

from datasets.models import Dataset, Resource, Theme
from datasets.selectors import listed_datasets_for, theme_counts
from organizations.selectors import listed_organizations

from .dicts import derived_id
from .vocabulary import attach


def load_packages(queryset):
    """The datasets with what a package dict reads, in a fixed number of queries whatever their number."""
    # The GeoJSON extent and table schemas can be large, and no package dict reads them.
    datasets = list(queryset.defer("spatial_geojson").prefetch_related(
        Prefetch("resources", queryset=Resource.objects.defer("table_schema").select_related("current_version")
                 .order_by("position", "id"))))
    return attach(datasets)


def visible_packages_by_pk(viewer, dataset_ids):
    """{pk: dataset} of these datasets the viewer may see, ready for package dicts."""
    return {dataset.pk: dataset
            for dataset in load_packages(viewer.filter_visible(Dataset.objects.filter(pk__in=dataset_ids)))}


def listed_packages(viewer, include_private=False):
    """Published datasets the viewer may see; its own restricted ones (CKAN's private) only if asked."""
    queryset = listed_datasets_for(viewer)
    if not include_private:
        queryset = queryset.exclude(open_grade="restricted")
    return queryset


def packages_in_order(viewer, dataset_ids):
    """The datasets of a search page, in hit order. The engine applied the viewer's filter; a hit the viewer
    may no longer see (the index lagging a re-grade) is left out by the same rule asked of each dataset."""
    by_pk = {dataset.pk: dataset for dataset in load_packages(Dataset.objects.filter(pk__in=dataset_ids))}
    return [by_pk[pk] for pk in dataset_ids if pk in by_pk and viewer.can_view(by_pk[pk])]


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def package_by_reference(viewer, reference):
    """A dataset by CKAN id (its uid), name or identifier, if the viewer may see it."""
    condition = Q(name=reference) | Q(identifier=reference)
    if _as_uuid(reference):
        condition |= Q(uid=_as_uuid(reference))
    found = load_packages(viewer.filter_visible(Dataset.objects.filter(condition))[:1])
    return found[0] if found else None


def resource_by_id(viewer, reference):
    key = _as_uuid(reference)
    if key is None:
        return None
    resource = Resource.objects.select_related("dataset").filter(uid=key).first()
    if resource is None or not viewer.can_view(resource.dataset):
        return None
    return resource


def organizations_with_counts(viewer):
    visible = listed_packages(viewer).values("pk")
    return listed_organizations().annotate(
        package_count=Count("datasets", filter=Q(datasets__in=visible), distinct=True))


def organization_by_reference(viewer, reference):
    """A listed organization by CKAN id (derived from its pk) or name (its slug)."""
    organization = organizations_with_counts(viewer).filter(slug=reference).first()
    if organization is not None:
        return organization
    for organization in organizations_with_counts(viewer):
        if derived_id("organization", organization.pk) == reference:
            return organization
    return None


def organization_slug_of(reference):
    """owner_org in `fq` holds CKAN ids: the listed organization's slug, or None."""
    if listed_organizations().filter(slug=reference).exists():
        return reference
    for pk, slug in listed_organizations().values_list("pk", "slug"):
        if derived_id("organization", pk) == reference:
            return slug
    return None


def themes_with_counts(viewer):
    """Every theme with the number of listed datasets filed under it (a parent counts its sub-themes')."""
    counts = theme_counts(listed_packages(viewer).values("pk"))
    themes = list(Theme.objects.select_related("parent"))
    for theme in themes:
        theme.package_count = counts.get(theme.pk, 0)
    return themes


def theme_by_reference(viewer, reference):
    for theme in themes_with_counts(viewer):
        if reference in (theme.code, derived_id("theme", theme.code)):
            return theme
    return None


def tag_counts(viewer, include_private=False):
    """{tag: number of listed datasets carrying it}, over both keyword languages."""
    counts = {}
    rows = listed_packages(viewer, include_private).values_list("keywords", "keywords_en")
    for keywords, keywords_en in rows.iterator(chunk_size=2000):
        for word in dict.fromkeys([*(keywords or []), *(keywords_en or [])]):
            if isinstance(word, str):
                counts[word] = counts.get(word, 0) + 1
    return counts
