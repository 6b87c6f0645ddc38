"""The demo catalog (datasets/demo/): departments, their publishers and reviewer, the datasets with real files, synonyms."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from datasets import demo
from datasets.models import Dataset
from datasets.services.lifecycle import archive_dataset, create_dataset, publish_dataset
from datasets.services.resources import add_file_resource, add_url_resource, replace_resource_file
from organizations.models import Membership, Organization
from organizations.services import add_member, save_organization
from search.models import SynonymGroup
from search.synonyms import save_synonym_group

# The departments whose access applications and contributions the demo reviewer decides.
REVIEWED_DEPARTMENTS = ("sz-health", "sz-planning", "sz-transport")


def _upload(name):
    return SimpleUploadedFile(name, (demo.DIRECTORY / name).read_bytes())


def ensure_organization(admin, slug, name_zh, name_en, kind=Organization.Kind.GOVERNMENT):
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return save_organization(user=admin, data={"slug": slug, "kind": kind, "name_zh": name_zh, "name_en": name_en})


def ensure_departments(admin, publishers, reviewer):
    """{slug: department}; `publishers` maps each department's publisher username to its account."""
    departments = {}
    for slug, name_zh, name_en, publisher in demo.DEPARTMENTS:
        departments[slug] = ensure_organization(admin, slug, name_zh, name_en)
        add_member(user=admin, organization=departments[slug], member=publishers[publisher],
                   role=Membership.Role.PUBLISHER)
    for slug in REVIEWED_DEPARTMENTS:
        add_member(user=admin, organization=departments[slug], member=reviewer, role=Membership.Role.REVIEWER)
    return departments


def ensure_datasets(departments, publishers):
    """Create the datasets not there yet; returns how many were created."""
    publisher_of = {slug: publishers[publisher] for slug, _zh, _en, publisher in demo.DEPARTMENTS}
    created = 0
    for spec in demo.DATASETS:
        if Dataset.objects.filter(identifier=spec["data"]["identifier"]).exists():
            continue
        _create_dataset(publisher_of[spec["organization"]], departments[spec["organization"]], spec)
        created += 1
    return created


@transaction.atomic
def _create_dataset(user, organization, spec):
    """One dataset with its resources, brought to its demo state (all or nothing)."""
    dataset = create_dataset(user=user, organization=organization, data=spec["data"])
    for position, item in enumerate(spec["resources"]):
        names = {"name": item["name"], "name_en": item.get("name_en", ""), "position": position}
        if "url" in item:
            add_url_resource(user=user, dataset=dataset, claimed_format=item["format"],
                             data={**names, "url": item["url"]})
            continue
        resource = add_file_resource(user=user, dataset=dataset, uploaded=_upload(item["file"]),
                                     data=names)
        if "replaced_by" in item:
            replace_resource_file(user=user, resource=resource, uploaded=_upload(item["replaced_by"]))
    if spec["state"] in (Dataset.State.PUBLISHED, Dataset.State.ARCHIVED):
        publish_dataset(user=user, dataset=dataset)
    if spec["state"] == Dataset.State.ARCHIVED:
        archive_dataset(user=user, dataset=dataset)


# Synonym groups staff would start with, for the demo's own data ("freeway" finds the expressways).
SYNONYM_GROUPS = ("高速公路, expressway, freeway", "空气质量, 空气品质, AQI, air quality", "节假日, 假期, 放假, holidays")


def ensure_synonyms(admin):
    """The demo synonym groups, once (a re-run leaves staff's edits alone)."""
    if SynonymGroup.objects.exists():
        return 0
    for terms in SYNONYM_GROUPS:
        save_synonym_group(user=admin, data={"terms": terms})
    return len(SYNONYM_GROUPS)
