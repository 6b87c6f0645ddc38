"""Download counting: how often a resource, and so its dataset, was downloaded."""
from django.db.models import F

from ..models import Dataset, Resource


def count_download(resource_id):
    """Add one download to a resource and its dataset (run by a task, off the request path)."""
    dataset_id = Resource.objects.filter(pk=resource_id).values_list("dataset_id", flat=True).first()
    if dataset_id is None:
        return
    Resource.objects.filter(pk=resource_id).update(download_count=F("download_count") + 1)
    Dataset.objects.filter(pk=dataset_id).update(download_count=F("download_count") + 1)
