"""Saving many url resources at once, for catalog imports.

Each resource is still built and validated by build_url_resource and
gets its history row from build_activity; only the INSERTs are batched,
because one round trip per row made a 15,000-entry catalog take many minutes.
"""
from datasets.models import Activity, Resource
from datasets.services.history import build_activity
from datasets.services.publishing_rights import ensure_can_publish


def save_url_resources(*, user, resources):
    """Insert resources built by build_url_resource (dataset set) with their history."""
    for organization in {resource.dataset.organization for resource in resources}:
        ensure_can_publish(user, organization)
    Resource.objects.bulk_create(resources)
    Activity.objects.bulk_create([
        build_activity(user, Activity.Action.CREATED, dataset=resource.dataset, resource=resource)
        for resource in resources
    ])
