"""Merging an approved contribution into the catalog.

The merge runs in the approval's transaction, under a row lock, and writes to
the catalog only through datasets.services, as the staff system account
`contributions-merge` (created by migration 0002): reviewers are not
publishers, and the catalog history then reads "merged by the platform"
while the contribution's own history names the real reviewer.
"""
import csv

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.spreadsheets import safe_cell
from datasets.models import Dataset
from datasets.services.lifecycle import create_dataset, publish_dataset, update_dataset
from datasets.services.resources import add_file_resource, replace_resource_file, update_resource
from quality import pii
from quality.tables import Table

from .. import storage
from ..models import Kind

MERGE_USERNAME = "contributions-merge"


def merge_user():
    return get_user_model().objects.get(username=MERGE_USERNAME)


def _masked_copy(contribution, mask_columns, path):
    """The table as UTF-8 CSV with personal data masked in `mask_columns`; text cells defused against formulas."""
    types = {field.get("name"): field.get("type", "string")
             for field in (contribution.report.get("schema") or {}).get("fields", [])}
    with storage.open_file(contribution) as handle:
        table = Table(handle, contribution.report.get("format") or contribution.format)
        masked = [index for index, name in enumerate(table.header) if name in mask_columns]
        text = [index for index, name in enumerate(table.header) if types.get(name, "string") == "string"]
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([safe_cell(name) for name in table.header])
            for _number, row in table.rows():
                row = list(row)
                for index in masked:
                    if index < len(row):
                        row[index] = pii.mask(row[index])
                for index in text:
                    if index < len(row):
                        row[index] = safe_cell(row[index])
                writer.writerow(row)


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
    name = contribution.filename
    if mask_columns:
        name = name.rsplit(".", 1)[0] + ".csv"
    with storage.temporary_file(".csv") as path:
        if mask_columns:
            _masked_copy(contribution, mask_columns, path)
            upload = storage.as_upload(path, name)
        else:
            upload = storage.open_file(contribution)
            upload.name = name
        with upload:
            if kind == Kind.NEW_DATASET:
                data = {**contribution.metadata, "open_grade": open_grade}
                dataset = create_dataset(user=actor, organization=contribution.target_organization, data=data)
                resource = add_file_resource(user=actor, dataset=dataset, uploaded=upload,
                                             data={"name": contribution.metadata.get("title") or name})
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
