"""Applying a source's records to the catalog in batches: the core of a harvest job.

Each batch is planned (every record classified: new, changed, unchanged, failed, conflict) with a
few queries for the whole batch, then written by harvest.writing in bulk, in one transaction that
also advances the job's counts and committed_records: a batch is applied whole or not at all, and
a resumed job skips exactly the records the committed batches applied. An unchanged record (same
content hash) costs no write and no re-index, only its share of one `last_seen` update.
"""
import dataclasses
import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from datasets import identifiers
from datasets.models import Dataset, Licence, Theme
from datasets.services.metadata import clean_dataset_data
from datasets.services.resources import build_url_resource
from organizations.models import Organization
from organizations.services import save_organization

from . import writing
from .models import HarvestedDataset, HarvestJob, RecordOutcome
from .parsing import cleaning
from .parsing.records import Record, Unparsed

IMPORTER_USERNAME = "catalog-importer"
# Part of every content hash: raised when parsing changes, so the next run applies every record again.
CONTENT_VERSION = 2
PREVIEW_RECORDS = 20
DUPLICATE = "duplicate identifier in the file (first one kept)"
REMOTE_ID_LIMIT = HarvestedDataset._meta.get_field("remote_id").max_length
IDENTIFIER_ROOM = 180  # of the 200 an identifier may have: room for a source's "-h<id>"

# Fields whose bad value is dropped (noted) rather than costing the whole record.
DROPPABLE = {
    "contact_email": "", "source_url": "", "spatial_region": "", "spatial_bbox": None, "spatial_geojson": None,
    "temporal_start": None, "temporal_end": None, "keywords": [], "keywords_en": [], "licence": None,
    "issued": None, "source_modified": None, "licence_text": "", "contact_name": "",
}
# A url resource's texts, as the parsers give them (the English ones only from an English source).
RESOURCE_TEXTS = ("name", "name_en", "description", "description_en")


class Aborted(Exception):
    """Someone asked the job to stop; it stops between two batches."""


class Skip(Exception):
    """This record cannot be applied; the message is its reason, `field` the field it names."""

    def __init__(self, reason, field=""):
        super().__init__(reason)
        self.field = field


def importer_user():
    """The staff system account harvests act as (created once, cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORTER_USERNAME, defaults={"is_staff": True, "display_name": "Catalog importer"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _strip_controls(record):
    """Every parser's output passes here: no control character (PostgreSQL stores no NUL) goes further."""
    texts = [record.source_id, record.identifier, record.organization_name, record.original_url, record.data,
             record.resources]
    texts, controlled = cleaning.strip_controls(texts)
    if controlled:
        (record.source_id, record.identifier, record.organization_name, record.original_url, record.data,
         record.resources) = texts
        record.notes.append("control characters removed")


def is_empty(value):
    return value in (None, "", [], {})


@dataclasses.dataclass
class Plan:
    """What will happen to one record of a batch."""

    record: object
    outcome: str = ""
    error: str = ""
    field: str = ""
    content_hash: str = ""
    link: HarvestedDataset = None
    dataset: Dataset = None
    organization: Organization = None
    cleaned: dict = dataclasses.field(default_factory=dict)
    resources: list = dataclasses.field(default_factory=list)

    def fail(self, reason, field="", outcome=RecordOutcome.FAILED):
        self.outcome, self.error, self.field = outcome, reason, field


class HarvestLoader:
    """Applies the records of one job's source; `listener(plan)` hears every record's plan once applied."""

    def __init__(self, job, *, actor=None, listener=None):
        self.job, self.source = job, job.source
        self.actor = actor or importer_user()
        self.listener = listener
        self.licences = {licence.code: licence for licence in Licence.objects.all()}
        self.themes = {theme.code: theme for theme in Theme.objects.all()}
        self.organizations = {}
        self.seen = set()
        # What the source's settings make of a record: part of its hash, so a changed setting re-applies it.
        settings_key = [self.source.organization_id, self.source.publish, self.source.default_open_grade,
                        self.source.default_licence_id, CONTENT_VERSION]
        self.salt = (json.dumps(settings_key, default=str) + "\n").encode()

    def run(self, records, *, limit=None):
        """Apply `records` (parsing.records.Record or Unparsed), resuming after job.committed_records."""
        resume_after, batch, position = self.job.committed_records, [], 0
        size = PREVIEW_RECORDS if self.job.dry_run else settings.HARVEST_BATCH_SIZE
        for record in records:
            if limit is not None and position >= limit:
                break
            position += 1
            if position <= resume_after:  # applied by a batch of an earlier attempt of this job
                record = record.parse() if isinstance(record, Unparsed) else record
                if not record.skip:
                    self.seen.add(record.identifier)
                continue
            batch.append(record)
            if len(batch) >= size:
                self._apply(batch)
                batch = []
                if self.job.dry_run:
                    return
                if HarvestJob.objects.filter(pk=self.job.pk, abort_requested=True).exists():
                    raise Aborted
        if batch:
            self._apply(batch)

    def _apply(self, batch):
        with transaction.atomic():
            unchanged, records = self._unparsed_unchanged(batch)
            plans = unchanged + self._plan(records)
            if not self.job.dry_run:
                writing.BatchWriter(self.job, self.actor).write(plans)
            self._account(plans)
        if self.listener:
            for plan in plans:
                self.listener(plan)

    def _account(self, plans):
        job = self.job
        job.read += len(plans)
        for plan in plans:
            counter = "failed" if plan.outcome == RecordOutcome.CONFLICT else plan.outcome
            setattr(job, f"{counter}_count", getattr(job, f"{counter}_count") + 1)
            if counter != "failed":
                for name, outcome in plan.record.field_outcomes.items():
                    counts = job.mapping.setdefault(name, {})
                    counts[outcome] = counts.get(outcome, 0) + 1
        fields = ["read", "created_count", "updated_count", "unchanged_count", "failed_count", "mapping"]
        if job.dry_run:
            job.preview = [{
                "remote_id": plan.record.source_id, "title": plan.record.data.get("title", ""),
                "outcome": plan.outcome, "field": plan.field, "error": plan.error,
                "original_url": plan.record.original_url,
            } for plan in plans]
            fields.append("preview")
        else:
            job.committed_records += len(plans)
            fields.append("committed_records")
        job.save(update_fields=fields)

    # --- planning ---------------------------------------------------------------

    def _unparsed_unchanged(self, batch):
        """(plans of the Unparsed entries hashing as stored: unchanged, never parsed; the records to plan)."""
        pending = [item.source_id for item in batch if isinstance(item, Unparsed)]
        # Only what the decision needs (a full link is read by _plan for the records that changed).
        links = {remote_id: (pk, content_hash, gone_since, identifier) for remote_id, pk, content_hash, gone_since,
                 identifier in HarvestedDataset.objects.filter(source=self.source, remote_id__in=pending).values_list(
                     "remote_id", "pk", "content_hash", "gone_since", "dataset__identifier")} if pending else {}
        unchanged, records = [], []
        for item in batch:
            if not isinstance(item, Unparsed):
                records.append(item)
                continue
            content_hash = self._digest(item.fingerprint)
            pk, stored_hash, gone_since, identifier = links.get(item.source_id, (None, None, None, None))
            if stored_hash == content_hash and gone_since is None and not self.job.dry_run and identifier not in self.seen:
                self.seen.add(identifier)
                unchanged.append(Plan(Record(source_id=item.source_id), RecordOutcome.UNCHANGED,
                                      content_hash=content_hash, link=HarvestedDataset(pk=pk)))
            else:
                record = item.parse()
                record.content_hash = content_hash
                records.append(record)
        return unchanged, records

    def _plan(self, batch):
        plans, fresh = [Plan(record) for record in batch], []
        for plan in plans:
            record = plan.record
            _strip_controls(record)
            if record.skip:
                plan.fail(record.skip)
            elif len(record.source_id) > REMOTE_ID_LIMIT:
                plan.fail(f"remote id longer than {REMOTE_ID_LIMIT} characters", "identifier")
            elif record.identifier in self.seen:
                plan.fail(DUPLICATE, "identifier")
            else:
                self.seen.add(record.identifier)
                plan.content_hash = self._hash(record)
                fresh.append(plan)
        links = HarvestedDataset.objects.filter(source=self.source, remote_id__in=[p.record.source_id for p in fresh])
        links = {link.remote_id: link for link in links}
        for plan in plans:
            plan.link = links.get(plan.record.source_id)
        new = [plan for plan in fresh if plan.link is None]
        changed = [plan for plan in fresh if plan.link and not self._is_unchanged(plan)]
        for plan in fresh:
            if plan.link and self._is_unchanged(plan):
                plan.outcome = RecordOutcome.UNCHANGED
        self._refuse_taken(new)
        datasets = Dataset.objects.filter(pk__in=[plan.link.dataset_id for plan in changed])
        if not self.job.dry_run:
            datasets = datasets.select_for_update(of=("self",))
        datasets = {dataset.pk: dataset for dataset in datasets.prefetch_related("themes")}
        for plan in new + changed:
            if plan.outcome:
                continue
            plan.dataset = datasets.get(plan.link.dataset_id) if plan.link else None
            try:
                self._validate(plan)
            except Skip as reason:
                plan.fail(str(reason), reason.field)
        return plans

    @staticmethod
    def _is_unchanged(plan):
        """Same content, and not archived as gone (a record listed again is restored)."""
        return plan.link.content_hash == plan.content_hash and plan.link.gone_since is None

    def _refuse_taken(self, plans):
        """New records whose identifier another source's dataset holds are a conflict (one number, one
        source); one held or retired here by a dataset not harvested takes this source's variant of it
        (`<identifier>-h<source id>`, as CKAN's harvester renames), noted, or fails if that is taken too."""
        taken = identifiers.unavailable_among(plan.record.identifier for plan in plans)
        harvested = {identifier: (name, organization_id) for identifier, name, organization_id in
                     Dataset.objects.filter(identifier__in=taken, harvested__isnull=False).values_list(
                         "identifier", "harvested__source__name", "harvested__source__organization")}
        variants = {identifier: f"{identifier[:IDENTIFIER_ROOM]}-h{self.source.pk}"
                    for identifier in taken - harvested.keys()}
        variants_taken = identifiers.unavailable_among(variants.values())
        for plan in plans:
            identifier = plan.record.identifier
            if identifier in harvested:
                name, organization_id = harvested[identifier]
                # Named only to who manages it too: another department's sources are none of theirs.
                named = f" ({name})" if organization_id and organization_id == self.source.organization_id else ""
                plan.fail(f"identifier already harvested from another source{named}", "identifier",
                          RecordOutcome.CONFLICT)
            elif identifier in variants and variants[identifier] in variants_taken:
                plan.fail("identifier already used here, and this source's variant of it too", "identifier")
            elif identifier in variants:
                plan.record.identifier = plan.record.data["identifier"] = variants[identifier]
                plan.record.notes.append(f"identifier already used here: stored as {variants[identifier]}")

    def _hash(self, record):
        if record.content_hash:  # read as Unparsed: the hash of its entry
            return record.content_hash
        payload = [record.data, record.resources, record.organization_name, record.original_url]
        return self._digest(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")))

    def _digest(self, text):
        """The content hash of a record's text with what the source's settings and our parsing make of it."""
        digest = hashlib.sha256(self.salt)
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _validate(self, plan):
        record = plan.record
        data = dict(record.data)
        codes = data.pop("themes", None) or []
        code = data.get("licence")
        data["licence"] = self.licences.get(code) if code else self.source.default_licence
        data.setdefault("open_grade", self.source.default_open_grade)
        if plan.dataset is not None:  # an identifier never changes (it may be this source's variant)
            data["identifier"] = plan.dataset.identifier
        try:
            plan.cleaned = clean_dataset_data(data, instance=plan.dataset)
        except ValidationError as error:
            self._drop_bad_fields(record, data, error)
            try:
                plan.cleaned = clean_dataset_data(data, instance=plan.dataset)
            except ValidationError as error:
                field, messages = next(iter(error.message_dict.items()))
                raise Skip(f"invalid {field}: {messages[0]}", field) from None
        plan.cleaned["themes"] = [self.themes[code] for code in dict.fromkeys(codes) if code in self.themes]
        plan.resources = self._built_resources(record)
        if plan.dataset is None:
            plan.organization = self._organization(record)
            plan.outcome = RecordOutcome.CREATED
        else:
            plan.outcome = RecordOutcome.UPDATED

    @staticmethod
    def _drop_bad_fields(record, data, error):
        """Empty the droppable fields an error names (noted); the other fields' errors stay."""
        for field in sorted(set(error.message_dict) & DROPPABLE.keys()):
            data[field] = DROPPABLE[field]
            record.drop(field)

    @staticmethod
    def _built_resources(record):
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

    # --- organizations ----------------------------------------------------------

    def _organization(self, record):
        if self.source.organization is not None:
            return self.source.organization
        name, _ = cleaning.truncate(record.organization_name, 200)
        if not name:
            raise Skip("no publisher (pass --organization)", "publisher")
        if name not in self.organizations:
            self.organizations[name] = self._find_or_create_organization(name)
        return self.organizations[name]

    def _find_or_create_organization(self, name):
        """The organization of a publisher name (None in a dry run, which creates nothing)."""
        slug = cleaning.organization_slug(name)
        found = Organization.objects.filter(slug=slug).first()
        if found is not None and found.name_zh != name:
            slug = f"{slug[:88]}-{cleaning.short_hash(name, 8)}"  # a different name with the same slug
            found = Organization.objects.filter(slug=slug).first()
        if found is not None or self.job.dry_run:
            return found
        return save_organization(user=self.actor, data={
            "slug": slug, "kind": Organization.Kind.GOVERNMENT, "name_zh": name,
            "name_en": name if name.isascii() else "",
        })
