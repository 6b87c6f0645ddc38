"""Harvest jobs end to end: data.json catalogs served over loopback HTTP, run by `manage.py harvest_run`
or request_run (eager Celery), and once by a real worker killed mid-job."""
import http.server
import json
import os
import signal
import threading
import time
from io import StringIO

import pytest
from celery_support import real_workers, wait_for
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Conflict, Forbidden
from core.tasks import repair_stalled_jobs
from datasets.models import Activity, Dataset, Resource
from harvest.models import HarvestJob, HarvestSource, SourceKind
from harvest.services.jobs import create_job, request_run
from harvest.tasks import run_harvest_job


class Catalogs:
    """A loopback server of {path: data.json document}; `delay` slows the body down (bytes per pause)."""

    def __init__(self):
        self.documents, self.chunk, self.pause = {}, None, 0.0
        catalogs = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps(catalogs.documents.get(self.path, {"dataset": []})).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                step = catalogs.chunk or len(body) or 1
                for start in range(0, len(body), step):
                    self.wfile.write(body[start:start + step])
                    time.sleep(catalogs.pause)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def catalogs(settings):
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = True
    served = Catalogs()
    yield served
    served.server.shutdown()
    served.server.server_close()


def entry(number, **changes):
    return {
        "identifier": f"bus-stops-{number}", "title": f"Bus stops {number}", "description": f"Stops of line {number}",
        "accessLevel": "public", "keyword": ["bus"], "publisher": {"name": "Transit"},
        "distribution": [{"title": "CSV", "downloadURL": f"https://example.org/stops-{number}.csv", "format": "CSV"}],
        **changes,
    }


def source_for(catalogs, organization, path="/data.json", entries=(), **fields):
    catalogs.documents[path] = {"dataset": list(entries)}
    return HarvestSource.objects.create(name=f"Transit {path}", kind=SourceKind.DATA_JSON, url=catalogs.url(path),
                                        organization=organization, publish=True, archive_after_days=0, **fields)


def harvest(source, *args):
    """harvest_run SOURCE: (the job it ran, its printed output)."""
    out = StringIO()
    call_command("harvest_run", str(source.pk), *args, stdout=out)
    return source.jobs.order_by("-pk").first(), out.getvalue()


def counts(job):
    return {name: getattr(job, f"{name}_count") for name in ("created", "updated", "unchanged", "archived", "failed")
            if getattr(job, f"{name}_count")}


def detail(client, identifier):
    return client.get(reverse("api-dataset-detail", args=[identifier]))


@pytest.mark.django_db
def test_a_first_run_creates_a_second_changes_nothing_and_a_changed_record_updates_alone(
        catalogs, transport_bureau, api):
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(5)])
    job, output = harvest(source)
    assert (job.status, job.read, counts(job)) == ("finished", 5, {"created": 5})
    assert "created           5" in output
    body = detail(api, "bus-stops-3").json()
    assert body["title"] == "Bus stops 3" and body["state"] == "published"
    assert [(r["format"], r["url"]) for r in body["resources"]] == [("CSV", "https://example.org/stops-3.csv")]
    assert body["provenance"] == [{
        "kind": "harvest", "source": source.name, "source_url": source.url, "remote_id": "bus-stops-3",
        "original_url": "", "last_harvested": body["provenance"][0]["last_harvested"]}]

    history = Activity.objects.count()
    job, _ = harvest(source)
    assert (job.status, counts(job)) == ("finished", {"unchanged": 5})
    assert Activity.objects.count() == history  # no write at all
    assert job.records.count() == 0  # unchanged records are counted, not listed

    catalogs.documents["/data.json"]["dataset"][2]["title"] = "Bus stops 2 (renamed)"
    job, _ = harvest(source)
    assert counts(job) == {"updated": 1, "unchanged": 4}
    assert list(job.records.values_list("remote_id", "outcome")) == [("bus-stops-2", "updated")]
    assert detail(api, "bus-stops-2").json()["title"] == "Bus stops 2 (renamed)"
    assert Activity.objects.count() == history + 1  # one history entry for the changed dataset


@pytest.mark.django_db
def test_the_dataset_page_names_the_source(catalogs, transport_bureau, client):
    source = source_for(catalogs, transport_bureau, entries=[entry(1)])
    harvest(source)
    page = client.get("/datasets/bus-stops-1/").content.decode()
    assert "采集自" in page and source.name in page


@pytest.mark.django_db
def test_a_record_removed_upstream_is_archived_by_the_policy(catalogs, transport_bureau, api):
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(3)])
    harvest(source)
    catalogs.documents["/data.json"]["dataset"].pop(1)
    job, _ = harvest(source)
    assert counts(job) == {"unchanged": 2, "archived": 1}
    assert Dataset.objects.get(identifier="bus-stops-1").state == Dataset.State.ARCHIVED
    assert list(job.records.values_list("remote_id", "outcome")) == [("bus-stops-1", "archived")]


@pytest.mark.django_db
def test_an_archived_record_listed_again_is_restored_and_the_delete_policy_deletes(catalogs, transport_bureau, api):
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(3)])
    harvest(source)
    gone = catalogs.documents["/data.json"]["dataset"].pop(1)
    harvest(source)
    catalogs.documents["/data.json"]["dataset"].append(gone)
    job, _ = harvest(source)
    assert counts(job) == {"unchanged": 2, "updated": 1}
    assert detail(api, "bus-stops-1").json()["state"] == "published"

    HarvestSource.objects.filter(pk=source.pk).update(disappeared_policy="delete")
    catalogs.documents["/data.json"]["dataset"].pop(0)
    job, _ = harvest(source)
    assert job.deleted_count == 1 and not Dataset.objects.filter(identifier="bus-stops-0").exists()
    assert list(job.records.values_list("remote_id", "outcome")) == [("bus-stops-0", "deleted")]


@pytest.mark.django_db
def test_an_identifier_held_here_takes_the_sources_variant(catalogs, transport_bureau, make_dataset):
    local = make_dataset("bus-stops-1", title="Our own bus stops")
    source = source_for(catalogs, transport_bureau, entries=[entry(1), entry(2)])
    job, _ = harvest(source)
    assert counts(job) == {"created": 2}
    variant = Dataset.objects.get(identifier=f"bus-stops-1-h{source.pk}")
    assert variant.title == "Bus stops 1" and variant.harvested.remote_id == "bus-stops-1"
    assert Dataset.objects.get(pk=local.pk).title == "Our own bus stops"
    assert any("stored as" in note for note in job.records.get(remote_id="bus-stops-1").notes)
    catalogs.documents["/data.json"]["dataset"][0]["title"] = "Bus stops 1 (renamed)"
    job, _ = harvest(source)
    assert counts(job) == {"updated": 1, "unchanged": 1}
    assert Dataset.objects.get(pk=variant.pk).title == "Bus stops 1 (renamed)"


@pytest.mark.django_db
def test_a_record_removed_upstream_is_kept_until_its_days_unseen_have_passed(catalogs, transport_bureau):
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(3)])
    harvest(source)
    HarvestSource.objects.filter(pk=source.pk).update(archive_after_days=30)
    catalogs.documents["/data.json"]["dataset"].pop(1)
    job, _ = harvest(source)
    assert counts(job) == {"unchanged": 2}
    assert Dataset.objects.get(identifier="bus-stops-1").state == Dataset.State.PUBLISHED


@pytest.mark.django_db
def test_a_malformed_record_and_a_duplicate_fail_alone_with_their_reasons(catalogs, transport_bureau):
    entries = [entry(1), {"identifier": "no-title"}, entry(2), "not an object", entry(1, title="Again"),
               entry(3, identifier="x" * 600), entry(4, title="Bus\u0000 stops 4", description="a\u0007b")]
    job, output = harvest(source_for(catalogs, transport_bureau, entries=entries))
    assert (job.status, counts(job)) == ("finished_with_errors", {"created": 3, "failed": 4})
    # Control characters are removed, not a reason for the database to refuse the whole batch.
    assert Dataset.objects.get(identifier="bus-stops-4").title == "Bus stops 4"
    assert "control characters removed" in job.records.get(remote_id="bus-stops-4").notes
    failures = {remote_id: (error, field) for remote_id, error, field in
                job.records.filter(outcome="failed").values_list("remote_id", "error", "field")}
    assert failures["no-title"] == ("missing title", "")
    assert failures["bus-stops-1"] == ("duplicate identifier in the file (first one kept)", "identifier")
    assert Dataset.objects.get(identifier="bus-stops-1").title == "Bus stops 1"  # the first one kept
    assert job.records.get(remote_id="x" * 500).error == "remote id longer than 500 characters"
    assert "failed            4" in output


@pytest.mark.django_db
def test_two_sources_offering_the_same_record_are_a_conflict_not_a_merge(catalogs, transport_bureau):
    first = source_for(catalogs, transport_bureau, "/a.json", entries=[entry(1), entry(2)])
    second = source_for(catalogs, transport_bureau, "/b.json", entries=[entry(2, title="Other"), entry(3)])
    harvest(first)
    job, _ = harvest(second)
    assert counts(job) == {"created": 1, "failed": 1}
    conflict = job.records.get(outcome="conflict")
    assert (conflict.remote_id, conflict.field) == ("bus-stops-2", "identifier")
    assert first.name in conflict.error
    dataset = Dataset.objects.get(identifier="bus-stops-2")
    assert (dataset.title, dataset.harvested.source) == ("Bus stops 2", first)


@pytest.mark.django_db
def test_owned_fields_are_refused_and_local_fields_survive_a_re_harvest(catalogs, transport_bureau, publisher, api_as):
    source = source_for(catalogs, transport_bureau, entries=[entry(1)])
    harvest(source)
    client = api_as(publisher)
    refused = client.patch(detail_url := reverse("api-dataset-detail", args=["bus-stops-1"]),
                           {"title": "Local title"}, format="json")
    assert refused.status_code == 400
    assert source.name in refused.json()["error"]["fields"]["title"][0]
    local = client.patch(detail_url, {"contact_email": "desk@transport.example.org"}, format="json")
    assert local.status_code == 200, local.content

    catalogs.documents["/data.json"]["dataset"][0]["description"] = "New description"
    job, _ = harvest(source)
    assert counts(job) == {"updated": 1}
    body = client.get(detail_url).json()
    assert (body["description"], body["contact_email"]) == ("New description", "desk@transport.example.org")
    assert body["title"] == "Bus stops 1"


@pytest.mark.django_db
def test_a_dry_run_shows_the_first_records_and_writes_nothing(catalogs, transport_bureau):
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(25)] + [{"identifier": "x"}])
    history = Activity.objects.count()
    job, output = harvest(source, "--dry-run")
    assert job.status == "finished" and job.dry_run
    assert len(job.preview) == 20
    assert job.preview[0] == {"remote_id": "bus-stops-0", "title": "Bus stops 0", "outcome": "created", "field": "",
                              "error": "", "original_url": ""}
    assert (Dataset.objects.count(), Activity.objects.count(), job.records.count()) == (0, history, 0)
    assert "[created] bus-stops-19" in output


@pytest.mark.django_db
def test_request_run_queues_one_job_at_a_time_for_who_may_manage_the_source(
        catalogs, transport_bureau, staff, publisher, django_capture_on_commit_callbacks):
    source = source_for(catalogs, transport_bureau, entries=[entry(1)])
    with pytest.raises(Forbidden):
        request_run(user=publisher, source=source)  # a publisher is not an organization admin
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = request_run(user=staff, source=source)
    with pytest.raises(Conflict):
        request_run(user=staff, source=source)
    for callback in queued:
        callback()  # the eager task runs the job
    job.refresh_from_db()
    assert (job.status, job.created_count, job.attempts) == ("finished", 1, 1)
    run_harvest_job.delay(job.pk)  # a late redelivery changes nothing
    job.refresh_from_db()
    assert (job.attempts, Dataset.objects.count()) == (1, 1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_whose_worker_is_killed_resumes_after_its_last_batch(catalogs, transport_bureau, monkeypatch, settings):
    settings.JOB_STALE_SECONDS = 3
    records = 1500
    source = source_for(catalogs, transport_bureau, entries=[entry(n) for n in range(records)])
    catalogs.chunk, catalogs.pause = 4096, 0.05  # a body that takes ~10 s to arrive
    slow = {"HARVEST_BATCH_SIZE": "50", "JOB_HEARTBEAT_SECONDS": "0.5", "HARVEST_ALLOW_PRIVATE_ADDRESSES": "true"}
    with real_workers(monkeypatch, run_harvest_job, extra_env=slow) as pool:
        first = pool.start()
        job = request_run(user=None, source=source)

        def committed():
            job.refresh_from_db()
            return job.committed_records >= 200

        assert wait_for(committed, first), "the first worker never committed a batch"
        os.kill(first.pid, signal.SIGKILL)  # mid-job: the message is never acknowledged
        first.wait()
        job.refresh_from_db()
        assert job.status == "running" and 0 < job.committed_records < records

        second = pool.start()
        time.sleep(settings.JOB_STALE_SECONDS + 1)
        assert repair_stalled_jobs()["harvest.repair.repair_stalled_harvests"]["requeued"] == [job.pk]
        finished = wait_for(lambda: HarvestJob.objects.get(pk=job.pk).status == "finished", second, timeout=300)
        assert finished, "the resumed job did not finish"
    job.refresh_from_db()
    assert (job.read, job.created_count, job.failed_count, job.attempts) == (records, records, 0, 2)
    # Resumed, not redone: each remote record is one dataset, with one resource, one "created" activity
    # and one line in the job's report, whichever worker wrote it.
    harvested = Dataset.objects.filter(harvested__source=source)
    assert sorted(harvested.values_list("harvested__remote_id", flat=True)) == sorted(
        f"bus-stops-{n}" for n in range(records))
    assert Resource.objects.filter(dataset__in=harvested).count() == records
    assert Activity.objects.filter(dataset__in=harvested, action=Activity.Action.CREATED).count() == records
    assert job.records.count() == job.records.filter(outcome="created").count() == records


@pytest.mark.django_db
def test_a_queued_job_whose_message_was_lost_is_queued_again_by_the_repair(catalogs, transport_bureau, settings):
    """The broker was down when the job was asked for (harvest.dispatch logs it): the repair sends it again."""
    source = source_for(catalogs, transport_bureau, entries=[entry(1)])
    job = create_job(user=None, source=source)  # queued; no message sent
    assert repair_stalled_jobs()["harvest.repair.repair_stalled_harvests"]["requeued"] == []
    HarvestJob.objects.filter(pk=job.pk).update(
        created=job.created - timezone.timedelta(minutes=settings.HARVEST_STUCK_MINUTES + 1))
    assert repair_stalled_jobs()["harvest.repair.repair_stalled_harvests"]["requeued"] == [job.pk]
    job.refresh_from_db()
    assert job.status == "finished" and job.created_count == 1
