"""Merging an approved contribution into the catalog.

The merge runs in the approval's transaction, under a row lock, and writes to
the catalog only through datasets.services, as the staff system account
`contributions-merge` (created by migration 0002): reviewers are not
publishers, and the catalog history then reads "merged by the platform"
while the contribution's own history names the real reviewer.
"""
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from datasets.models import Dataset
from datasets.services.lifecycle import create_dataset, publish_dataset, update_dataset
from datasets.services.resources import add_file_resource, replace_resource_file, update_resource
from quality.masking import masked_upload

from .. import storage
from ..models import Kind

MERGE_USERNAME = "contributions-merge"


def merge_user():
    return get_user_model().objects.get(username=MERGE_USERNAME)


@contextmanager
def _upload(contribution, mask_columns):
    """The contributed file as an upload: as sent, or its masked copy (quality.masking) when columns are masked."""
    with storage.open_file(contribution) as handle:
        if not mask_columns:
            handle.name = contribution.filename
            yield handle
            return
        fmt = contribution.report.get("format") or contribution.format
        with masked_upload(handle, fmt, mask_columns, contribution.filename,
                           contribution.report.get("schema")) as upload:
            yield upload


def merge(contribution, open_grade, mask_columns):
    """(dataset, resource) the contribution became in the catalog; resource is None for a correction."""
    actor = merge_user()
    kind = contribution.kind
    if kind == Kind.CORRECTION:
        dataset = Dataset.objects.get(pk=contribution.dataset_id)
        data = dict(contribution.metadata)
        if open_grade != dataset.open_grade:
            data["open_grade"] = open_grade
        return update_dataset(user=actor, dataset=dataset, data=data), None
    with _upload(contribution, mask_columns) as upload:
        if kind == Kind.NEW_DATASET:
            data = {**contribution.metadata, "open_grade": open_grade}
            dataset = create_dataset(user=actor, organization=contribution.target_organization, data=data)
            resource = add_file_resource(user=actor, dataset=dataset, uploaded=upload,
                                         data={"name": contribution.metadata.get("title") or upload.name})
            publish_dataset(user=actor, dataset=dataset)
            return dataset, resource
        dataset = Dataset.objects.get(pk=contribution.dataset_id)
        if open_grade != dataset.open_grade:
            dataset = update_dataset(user=actor, dataset=dataset, data={"open_grade": open_grade})
        if kind == Kind.NEW_RESOURCE:
            resource = add_file_resource(user=actor, dataset=dataset, uploaded=upload,
                                         data=dict(contribution.metadata))
        else:
            if contribution.resource is None:
                raise Conflict(_("目标资源已不存在。"), field="resource")
            resource = replace_resource_file(user=actor, resource=contribution.resource, uploaded=upload)
            if contribution.metadata:
                update_resource(user=actor, resource=resource, data=dict(contribution.metadata))
        return dataset, resource
