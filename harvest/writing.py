"""Writing one planned batch (harvest.loader) in bulk: creates, updates of the owned fields, report lines.

It does what datasets.services does per dataset, for a whole batch at once: the same validation
(done by the loader), identifiers and names, publishing rights, one history row per changed
dataset and one `dataset_changed` announcement for the batch (every id is announced inside the
batch's transaction, so datasets.services.announcements sends them together after it commits).
A field the source leaves empty is the publisher's: a re-harvest never writes it.
"""
from django.utils import timezone

from core.bulk_copy import copy_objects, copy_rows
from datasets import identifiers
from datasets.models import Activity, Dataset, Resource
from datasets.services.announcements import announce_dataset_changed
from datasets.services.history import build_activity, recorded_value
from datasets.services.lifecycle import set_state
from datasets.services.publishing_rights import ensure_can_publish

from .models import HarvestedDataset, HarvestRecord, RecordOutcome

RESOURCE_FACTS = ("name", "name_en", "description", "description_en", "format", "media_type", "position")


def _is_empty(value):
    return value in (None, "", [], {})


def _value(dataset, field):
    if field == "themes":
        return sorted(theme.code for theme in dataset.themes.all())
    return recorded_value(getattr(dataset, field))


def _new_value(field, value):
    return sorted(theme.code for theme in value) if field == "themes" else recorded_value(value)


class BatchWriter:
    def __init__(self, job, actor):
        self.job, self.source, self.actor = job, job.source, actor
        self.now = timezone.now()

    def write(self, plans):
        created = [plan for plan in plans if plan.outcome == RecordOutcome.CREATED]
        updated = [plan for plan in plans if plan.outcome == RecordOutcome.UPDATED]
        self._create(created)
        self._update(updated)
        seen = [plan.link.pk for plan in plans if plan.link and plan.outcome != RecordOutcome.UPDATED]
        # Failed records still count as seen: a record that failed once is not "gone upstream".
        HarvestedDataset.objects.filter(pk__in=seen).update(last_seen=self.now, last_job=self.job)
        copy_objects([self._report_line(plan) for plan in plans if plan.outcome != RecordOutcome.UNCHANGED])
        for plan in created + updated:
            announce_dataset_changed(plan.dataset.pk)

    def _report_line(self, plan):
        record = plan.record
        return HarvestRecord(
            job=self.job, remote_id=record.source_id[:500], title=str(record.data.get("title", ""))[:300],
            outcome=plan.outcome, field=plan.field, error=plan.error, notes=list(dict.fromkeys(record.notes)),
            original_url=record.original_url[:2000], dataset=plan.dataset,
        )

    def _state(self):
        return Dataset.State.PUBLISHED if self.source.publish else Dataset.State.DRAFT

    def _create(self, plans):
        for organization in {plan.organization for plan in plans}:
            ensure_can_publish(self.actor, organization)
        state = self._state()
        for plan in plans:
            fields = {key: value for key, value in plan.cleaned.items() if key != "themes"}
            plan.dataset = Dataset(organization=plan.organization,
                                   name=identifiers.name_for(fields["identifier"]), **fields)
            set_state(plan.dataset, state, self.now)
        copy_objects([plan.dataset for plan in plans])
        copy_rows(Dataset.themes.through, ("dataset", "theme"),
                  [(plan.dataset.pk, theme.pk) for plan in plans for theme in plan.cleaned["themes"]])
        for plan in plans:
            for resource in plan.resources:
                resource.dataset = plan.dataset
        copy_objects([resource for plan in plans for resource in plan.resources])
        copy_objects([build_activity(self.actor, Activity.Action.CREATED, dataset=plan.dataset) for plan in plans])
        copy_objects([HarvestedDataset(
            dataset=plan.dataset, source=self.source, remote_id=plan.record.source_id,
            original_url=plan.record.original_url, content_hash=plan.content_hash,
            owned_fields=self._owned(plan), owned_resources=[resource.pk for resource in plan.resources],
            last_harvested=self.now, last_seen=self.now, last_job=self.job,
        ) for plan in plans])

    @staticmethod
    def _owned(plan):
        """The fields the source gives a value: those are its; the ones it leaves empty are the publisher's."""
        return sorted(field for field, value in plan.cleaned.items() if not _is_empty(value))

    def _update(self, plans):
        if not plans:
            return
        for organization in {plan.dataset.organization for plan in plans}:
            ensure_can_publish(self.actor, organization)
        resources = {}
        for resource in Resource.objects.filter(dataset__in=[plan.dataset for plan in plans], kind=Resource.Kind.URL):
            resources.setdefault(resource.dataset_id, []).append(resource)
        written, activities, themed = {"modified"}, [], []
        for plan in plans:
            dataset, link = plan.dataset, plan.link
            changes = {}
            for field, value in plan.cleaned.items():
                if field != "identifier" and (field in link.owned_fields or not _is_empty(value)):
                    old, new = _value(dataset, field), _new_value(field, value)
                    if old != new:
                        changes[field] = [old, new]
                        if field == "themes":
                            themed.append(plan)
                        else:
                            setattr(dataset, field, value)
                            written.add(field)
            if link.gone_since is not None or (self.source.publish and dataset.state == Dataset.State.DRAFT):
                # Listed again after the policy archived it as gone, or to be published now.
                state = self._state()
                if state != dataset.state:
                    changes["state"] = [dataset.state, state]
                    written.update(set_state(dataset, state, self.now))
                link.gone_since = None
            owned = [resource for resource in resources.get(dataset.pk, []) if resource.pk in link.owned_resources]
            urls = self._sync_resources(dataset, owned, plan.resources)
            if urls is not None:
                changes["resources"] = urls
            dataset.modified = self.now
            link.content_hash, link.owned_fields = plan.content_hash, self._owned(plan)
            link.owned_resources = [resource.pk for resource in plan.resources]
            link.original_url, link.last_harvested, link.last_seen = plan.record.original_url, self.now, self.now
            link.last_job = self.job
            if changes:
                activities.append(build_activity(self.actor, Activity.Action.UPDATED, dataset=dataset,
                                                 changes=changes))
        Dataset.objects.bulk_update([plan.dataset for plan in plans], sorted(written))
        Through = Dataset.themes.through
        Through.objects.filter(dataset__in=[plan.dataset for plan in themed]).delete()
        copy_rows(Through, ("dataset", "theme"),
                  [(plan.dataset.pk, theme.pk) for plan in themed for theme in plan.cleaned["themes"]])
        copy_objects(activities)
        HarvestedDataset.objects.bulk_update(
            [plan.link for plan in plans],
            ["content_hash", "owned_fields", "owned_resources", "original_url", "last_harvested", "last_seen",
             "last_job", "gone_since"])

    def _sync_resources(self, dataset, current, wanted):
        """Make the source's url resources match its distributions (matched by URL; the publisher's own
        resources stay); `wanted` end up saved. Returns [old urls, new urls] if anything changed, else None."""
        def facts(resource):
            return (resource.url, *(getattr(resource, field) for field in RESOURCE_FACTS))

        if [facts(resource) for resource in current] == [facts(resource) for resource in wanted]:
            for old, new in zip(current, wanted):
                new.pk = old.pk
            return None
        by_url = {resource.url: resource for resource in current}
        kept, added = [], []
        for item in wanted:
            resource = by_url.pop(item.url, None)
            if resource is None:
                item.dataset = dataset
                added.append(item)
                continue
            for field in RESOURCE_FACTS:
                setattr(resource, field, getattr(item, field))
            resource.modified = self.now
            kept.append(resource)
            item.pk = resource.pk
        Resource.objects.filter(pk__in=[resource.pk for resource in by_url.values()]).delete()
        Resource.objects.bulk_update(kept, [*RESOURCE_FACTS, "modified"])
        copy_objects(added)
        return [[resource.url for resource in current], [resource.url for resource in wanted]]
