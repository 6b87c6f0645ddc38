"""Catalog queries reused by pages, the API, downloads and search."""
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from . import grading
from .models import Activity, Dataset, Organization, Resource, Theme


def datasets_for(user):
    """Datasets `user` may see, with what list views need fetched in a fixed number of queries."""
    queryset = Dataset.objects.select_related("organization", "licence").prefetch_related(
        "themes", Prefetch("resources", queryset=Resource.objects.order_by("position", "id"))
    )
    return grading.filter_visible(queryset, user)


def listed_datasets_for(user):
    """What catalog lists show by default: published datasets the user may see."""
    return datasets_for(user).filter(state=Dataset.State.PUBLISHED)


def dataset_for(user, identifier):
    """The dataset, or 404 when it does not exist *for this user* (restricted ones included)."""
    try:
        return datasets_for(user).get(identifier=identifier)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def resource_for(user, resource_id):
    """A resource of a dataset the user may see, or 404."""
    queryset = Resource.objects.select_related("dataset__organization", "current_version")
    try:
        resource = queryset.get(pk=resource_id)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise Http404("No such resource") from None
    if not grading.can_view_dataset(user, resource.dataset):
        raise Http404("No such resource")
    return resource


def dataset_activity(dataset, limit=50):
    return (
        Activity.objects.filter(dataset=dataset)
        .select_related("actor", "resource")
        .order_by("-created", "-id")[:limit]
    )


def organizations_with_counts(user):
    """Organizations with the number of published datasets this user can see in each."""
    visible_ids = listed_datasets_for(user).values("pk")
    return Organization.objects.annotate(
        dataset_count=Count("datasets", filter=Q(datasets__in=visible_ids), distinct=True)
    )


def themes_with_counts(user):
    visible_ids = listed_datasets_for(user).values("pk")
    return Theme.objects.select_related("parent").annotate(
        dataset_count=Count("datasets", filter=Q(datasets__in=visible_ids), distinct=True)
    )
