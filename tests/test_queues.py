"""Queues by kind of work: every task has its kind's queue, and a long job on one queue does not hold up
a task on another (two real workers, the portal's own routes)."""
import json

import pytest
from celery_support import queue_workers, wait_for
from http_support import LoopbackServer

from datasets.models import Dataset
from harvest.models import HarvestJob, HarvestSource, SourceKind
from harvest.services.jobs import request_run
from portal.celery import app as celery_app
from portal.settings.queues import DEFAULT_TASKS, KINDS, queue_name


def _queue_of(task_name):
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_goes_to_the_queue_of_its_kind(settings):
    celery_app.loader.import_default_modules()
    tasks = {name for name in celery_app.tasks if not name.startswith("celery.")}
    routed = {task: kind for kind, names in KINDS.items() for task in names}
    assert tasks == set(routed) | set(DEFAULT_TASKS), "a task without a kind: add it to portal/settings/queues.py"
    prefix = settings.CELERY_QUEUE_PREFIX
    assert {task: _queue_of(task) for task in routed} == {task: queue_name(prefix, kind) for task, kind in routed.items()}
    assert {_queue_of(task) for task in DEFAULT_TASKS} == {settings.CELERY_TASK_DEFAULT_QUEUE}
    # The beat's tasks are routed like any other: none is left on the default queue.
    assert all(_queue_of(entry["task"]) in {queue_name(prefix, kind) for kind in KINDS}
               for entry in settings.CELERY_BEAT_SCHEDULE.values())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_long_harvest_does_not_hold_up_the_search_index(transport_bureau, make_dataset, api, monkeypatch):
    with LoopbackServer() as remote, queue_workers(
            monkeypatch, "harvest", "indexing", extra_env={"HARVEST_ALLOW_PRIVATE_ADDRESSES": "true"}) as pools:
        harvester, indexer = pools["harvest"].workers[0], pools["indexing"].workers[0]
        remote.serve("/data.json", json.dumps({"dataset": [{
            "identifier": "ferry-piers", "title": "Ferry piers", "description": "Piers of the ferry lines",
            "accessLevel": "public", "keyword": ["ferry"], "publisher": {"name": "Transit"}}]}))
        # The source answers only when the test says so: the harvest runs until then.
        source = HarvestSource.objects.create(name="Held source", kind=SourceKind.DATA_JSON,
                                              url=remote.url + "/held/data.json", organization=transport_bureau,
                                              publish=True, archive_after_days=0)
        try:
            job = request_run(user=None, source=source)
            running = wait_for(lambda: HarvestJob.objects.get(pk=job.pk).status == "running"
                               and "/held/data.json" in remote.requests, harvester)
            assert running, "the harvest worker did not start the job"

            make_dataset("quokka-sightings", title="Quokka sightings", with_file=False)  # indexed on commit
            found = wait_for(lambda: api.get("/api/v1/search/", {"q": "quokka"}).json()["count"] == 1, indexer)
            assert found, "the index update waited behind the harvest"
            assert HarvestJob.objects.get(pk=job.pk).status == "running"  # the source has not answered yet
        finally:
            remote.release.set()
        finished = wait_for(lambda: HarvestJob.objects.get(pk=job.pk).status == "finished", harvester)
        assert finished, "the harvest did not finish once its source answered"
    assert Dataset.objects.filter(harvested__source=source, title="Ferry piers").count() == 1
