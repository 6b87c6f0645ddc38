"""Load parsed catalog Records through datasets.services, so rules and history apply.

Entries are applied in batches: one transaction per batch (fast on PostgreSQL)
and a savepoint per entry, so a bad entry is skipped whole, never half-written.
A batch's changed datasets are announced (re-indexed) together once it commits.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch

from core.exceptions import DomainError
from datasets.models import Dataset, Licence, Resource
from datasets.services.lifecycle import create_dataset, publish_dataset, update_dataset
from datasets.services.metadata import clean_dataset_data
from datasets.services.resources import add_url_resource, build_url_resource, delete_resource, update_resource
from organizations.models import Organization
from organizations.services import save_organization

from . import bulk
from .parsing import cleaning

IMPORTER_USERNAME = "catalog-importer"
BATCH_SIZE = 500

# Fields whose bad value is dropped (noted) rather than costing the whole entry.
DROPPABLE = {
    "contact_email": "", "source_url": "", "spatial_region": "", "spatial_bbox": None, "spatial_geojson": None,
    "temporal_start": None, "temporal_end": None, "keywords": [], "keywords_en": [], "licence": None, "themes": [],
    "issued": None, "source_modified": None, "licence_text": "", "contact_name": "",
}
# A url resource's texts, as the parsers give them (the English ones only from an English source).
RESOURCE_TEXTS = ("name", "name_en", "description", "description_en")


class Skip(Exception):
    """This entry cannot be imported; the message is the reason shown in the report."""


def importer_user():
    """The staff system account imports act as (created once, cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORTER_USERNAME, defaults={"is_staff": True, "display_name": "Catalog importer"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class CatalogLoader:
    def __init__(self, *, report, organization=None, publish=False, actor=None, progress=None):
        self.report, self.organization, self.publish = report, organization, publish
        self.actor = actor or importer_user()
        self.progress = progress
        self.licences = {licence.code: licence for licence in Licence.objects.all()}
        self.organizations = {}
        self.pending_resources = []

    def run(self, records, limit=None):
        seen, batch = set(), []
        for record in records:
            if limit is not None and self.report.read >= limit:
                break
            self.report.read += 1
            if record.skip:
                self.report.skip(record.skip, record.source_id)
            elif record.identifier in seen:
                self.report.skip("duplicate identifier in the file (first one kept)", record.source_id)
            else:
                seen.add(record.identifier)
                batch.append(record)
                if len(batch) >= BATCH_SIZE:
                    self._load_batch(batch)
                    batch = []
        if batch:
            self._load_batch(batch)
        return self.report

    def _load_batch(self, batch):
        existing = {
            dataset.identifier: dataset
            for dataset in Dataset.objects.filter(identifier__in=[record.identifier for record in batch])
            .select_related("organization")
            .prefetch_related("themes", Prefetch(
                "resources", queryset=Resource.objects.filter(kind=Resource.Kind.URL), to_attr="url_resources"
            ))
        }
        with transaction.atomic():
            self.pending_resources = []
            for record in batch:
                self._load(record, existing.get(record.identifier))
            bulk.save_url_resources(user=self.actor, resources=self.pending_resources)
        if self.progress:
            self.progress(self.report)

    def _load(self, record, dataset):
        try:
            organization = self._organization(record)
            if dataset is None:
                outcome = self._create(record, organization)
            else:
                with transaction.atomic():
                    outcome = self._update(record, organization, dataset)
        except Skip as reason:
            self.report.skip(str(reason), record.source_id)
            return
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            record.error_field = field
            self.report.skip(f"invalid {field}: {messages[0]}", record.source_id)
            return
        except (DomainError, PermissionDenied) as error:
            self.report.skip(str(error), record.source_id)
            return
        self.report.count(outcome)
        self.report.count_fields(record)
        for note in dict.fromkeys(record.notes):
            self.report.note(note, record.source_id)

    def _organization(self, record):
        if self.organization is not None:
            return self.organization
        name, _ = cleaning.truncate(record.organization_name, 200)
        if not name:
            raise Skip("no publisher (pass --organization)")
        if name not in self.organizations:
            self.organizations[name] = self._find_or_create_organization(name)
        return self.organizations[name]

    def _find_or_create_organization(self, name):
        slug = cleaning.organization_slug(name)
        found = Organization.objects.filter(slug=slug).first()
        if found is not None and found.name_zh != name:
            slug = f"{slug[:88]}-{cleaning.short_hash(name, 8)}"  # a different name with the same slug
            found = Organization.objects.filter(slug=slug).first()
        if found is not None:
            return found
        return save_organization(user=self.actor, data={
            "slug": slug, "kind": Organization.Kind.GOVERNMENT, "name_zh": name,
            "name_en": name if name.isascii() else "",
        })

    def _service_data(self, record):
        data = dict(record.data)
        code = data.get("licence")
        data["licence"] = self.licences.get(code) if code else None
        return data

    @staticmethod
    def _drop_bad_fields(record, data, error):
        """Empty the droppable fields an error names (noted); re-raise if another field is wrong."""
        bad = set(error.message_dict)
        if bad - DROPPABLE.keys():
            raise error
        for field in sorted(bad):
            data[field] = DROPPABLE[field]
            record.drop(field)

    def _validated(self, record, dataset):
        """Service input for the record and its cleaned form, bad droppable fields emptied."""
        data = self._service_data(record)
        try:
            return data, clean_dataset_data(data, instance=dataset)
        except ValidationError as error:
            self._drop_bad_fields(record, data, error)
        return data, clean_dataset_data(data, instance=dataset)

    def _built_resources(self, record):
        """Validated, unsaved url resources; an unusable distribution is dropped (noted)."""
        built = []
        for item in record.resources:
            data = {**{field: item.get(field, "") for field in RESOURCE_TEXTS}, "url": item["url"],
                    "position": len(built)}
            try:
                built.append(build_url_resource(dataset=None, data=data, claimed_format=item["format"]))
            except ValidationError:
                record.notes.append("distribution without a usable URL dropped")
        return built

    def _create(self, record, organization):
        """create_dataset per entry; its url resources are validated now and inserted per batch."""
        resources = self._built_resources(record)
        data = self._service_data(record)
        state = Dataset.State.PUBLISHED if self.publish else Dataset.State.DRAFT
        try:
            dataset = create_dataset(user=self.actor, organization=organization, data=data, state=state)
        except ValidationError as error:
            self._drop_bad_fields(record, data, error)
            dataset = create_dataset(user=self.actor, organization=organization, data=data, state=state)
        for resource in resources:
            resource.dataset = dataset
        self.pending_resources.extend(resources)
        return "created"

    def _update(self, record, organization, dataset):
        if dataset.organization_id != organization.pk:
            raise Skip("identifier already used by another organization's dataset")
        data, cleaned = self._validated(record, dataset)
        changed = False
        if self._differs(dataset, cleaned):
            update_dataset(user=self.actor, dataset=dataset, data=data)
            changed = True
        changed = self._sync_resources(dataset, self._built_resources(record)) or changed
        if self.publish and dataset.state == Dataset.State.DRAFT:
            publish_dataset(user=self.actor, dataset=dataset)
            changed = True
        return "updated" if changed else "unchanged"

    @staticmethod
    def _differs(dataset, cleaned):
        for field, value in cleaned.items():
            if field == "themes":
                if {theme.pk for theme in dataset.themes.all()} != {theme.pk for theme in value}:
                    return True
            elif field == "licence":
                if dataset.licence_id != (value.pk if value else None):
                    return True
            elif getattr(dataset, field) != value:
                return True
        return False

    def _sync_resources(self, dataset, wanted):
        """Make the dataset's url resources match the catalog's distributions; uploaded files stay."""
        def facts(resource):
            return (*(getattr(resource, field) for field in RESOURCE_TEXTS), resource.url, resource.format,
                    resource.position)

        current = dataset.url_resources
        if [facts(resource) for resource in current] == [facts(resource) for resource in wanted]:
            return False
        by_url = {resource.url: resource for resource in current}
        for item in wanted:
            resource = by_url.pop(item.url, None)
            if resource is not None and resource.format != item.format:
                delete_resource(user=self.actor, resource=resource)
                resource = None
            data = {**{field: getattr(item, field) for field in RESOURCE_TEXTS}, "position": item.position}
            if resource is None:
                add_url_resource(user=self.actor, dataset=dataset, data={**data, "url": item.url},
                                 claimed_format=item.format)
            else:
                update_resource(user=self.actor, resource=resource, data=data)
        for resource in by_url.values():
            delete_resource(user=self.actor, resource=resource)
        return True
