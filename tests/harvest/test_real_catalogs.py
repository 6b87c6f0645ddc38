"""Harvesting real catalogs (../shared/data/catalogs/) served over loopback HTTP, run after run.

A first run creates, a second is all unchanged (no write), and after the upstream catalog changes one
record, drops another and gains a malformed one, the next run updates exactly that one, archives the
dropped one by the source's policy and fails the malformed one alone, with its reason.
"""
import copy
import json
from io import StringIO

import pytest
from catalog_files import catalog_excerpt, read_catalog
from django.core.management import call_command

from datasets.models import Activity, Dataset
from harvest.models import HarvestedDataset, HarvestSource

CATALOGS = {
    # kind: (file, records taken, the path to the records, the title key, a malformed record)
    "data-gov-tw": ("tw-data-gov-tw.json.gz", 150, None, "TITLE", {"NODE": 999999999, "TITLE": ""}),
    "data-json": ("us-federal-usaid.data.json.gz", None, "dataset", "title", {"identifier": "no-title-here"}),
}


def remote_id(entry):
    return str(entry.get("NODE", entry.get("identifier")))


def harvest(source):
    call_command("harvest_run", str(source.pk), stdout=StringIO())
    return source.jobs.order_by("-pk").first()


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CATALOGS))
def test_a_real_catalog_run_after_run(kind, loopback, transport_bureau):
    name, count, key, title_key, malformed = CATALOGS[kind]
    document = catalog_excerpt(name, count) if count else read_catalog(name)
    entries = document[key] if key else document

    def serve():
        return loopback.serve("/catalog.json", json.dumps(document))

    source = HarvestSource.objects.create(name=kind, kind=kind, url=serve(), organization=transport_bureau,
                                          publish=True, archive_after_days=0)
    first = harvest(source)
    assert first.read == len(entries) and first.created_count > 0.9 * len(entries)
    assert first.created_count + first.failed_count == first.read
    harvested = Dataset.objects.filter(harvested__source=source)
    assert harvested.count() == first.created_count

    history = Activity.objects.count()
    second = harvest(source)
    assert (second.unchanged_count, second.created_count, second.updated_count) == (first.created_count, 0, 0)
    assert Activity.objects.count() == history

    links = {link.remote_id: link for link in HarvestedDataset.objects.filter(source=source)}
    document = copy.deepcopy(document)
    entries = document[key] if key else document
    changed, dropped = [entry for entry in entries if remote_id(entry) in links][:2]
    changed[title_key] = "Changed upstream"
    entries.remove(dropped)
    entries.append(malformed)
    serve()
    third = harvest(source)
    assert (third.updated_count, third.archived_count, third.created_count) == (1, 1, 0)
    assert third.unchanged_count == first.created_count - 2
    assert Dataset.objects.filter(harvested__source=source, title="Changed upstream").count() == 1
    assert Dataset.objects.get(pk=links[remote_id(dropped)].dataset_id).state == Dataset.State.ARCHIVED
    failure = third.records.get(remote_id=remote_id(malformed))
    assert failure.outcome == "failed" and "title" in failure.error
