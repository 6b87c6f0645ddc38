"""Loads as bounded jobs: stored bombs refused, attempts limited, a dead worker's load repaired within minutes."""
import os
import signal

import pytest
from django.db import connection, connections
from django.utils import timezone

import inspection_support
from api_support import upload
from celery_support import real_workers, wait_for
from core.tasks import repair_stalled_jobs
from datasets.services.resources import add_file_resource
from datastore.models import DatastoreTable
from datastore.tasks import load_resource_version

INTERRUPTED = "已中断，正在重试"


def _add(capture, publisher, dataset, name="stations.csv", content=b"a,b\n1,2\n3,4\n"):
    """A file resource whose load was queued but never ran (its message lost with its worker)."""
    with capture(execute=False):
        return add_file_resource(user=publisher, dataset=dataset, uploaded=upload(name, content))


def _loading(resource, **fields):
    """The load's row as a worker that died mid-load leaves it."""
    return DatastoreTable.objects.create(resource=resource, version=resource.current_version, status="loading",
                                         table_name=f"ds_{resource.pk}_{resource.current_version.number}", **fields)


def _stale():
    return timezone.now() - timezone.timedelta(hours=1)


@pytest.fixture
def dataset(make_dataset):
    return make_dataset("metro-stations", with_file=False)


@pytest.mark.django_db
def test_a_stored_bomb_is_refused_by_the_load(django_capture_on_commit_callbacks, publisher, dataset, settings):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 10**6  # stored under a laxer rule
    resource = _add(django_capture_on_commit_callbacks, publisher, dataset, "bomb.xlsx", inspection_support.xlsx_bomb())
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 100
    load_resource_version.delay(resource.current_version_id)
    table = DatastoreTable.objects.get(resource=resource)
    assert table.status == "failed" and "压缩比" in table.errors[0]


@pytest.mark.django_db
def test_a_load_started_too_often_fails_with_its_reason_and_its_message_is_dropped(
        django_capture_on_commit_callbacks, publisher, dataset, api_as, settings):
    resource = _add(django_capture_on_commit_callbacks, publisher, dataset)
    _loading(resource, attempts=settings.JOB_MAX_ATTEMPTS)  # every delivery so far died mid-load
    load_resource_version.delay(resource.current_version_id)
    latest = api_as(publisher).get(f"/api/v1/resources/{resource.pk}/datastore/").json()["latest"]
    assert latest["status"] == "failed"
    assert f"{settings.JOB_MAX_ATTEMPTS} 次" in latest["errors"][0]
    load_resource_version.delay(resource.current_version_id)  # a late redelivery changes nothing
    table = DatastoreTable.objects.get(resource=resource)
    assert (table.status, table.attempts) == ("failed", settings.JOB_MAX_ATTEMPTS)
    assert table.table_name not in connection.introspection.table_names()


@pytest.mark.django_db
def test_the_repair_requeues_a_stalled_load_and_fails_one_whose_attempts_are_spent(
        django_capture_on_commit_callbacks, publisher, dataset, make_dataset, client, settings):
    stalled = _add(django_capture_on_commit_callbacks, publisher, dataset)
    _loading(stalled, attempts=1, heartbeat=_stale())
    spent = _add(django_capture_on_commit_callbacks, publisher, make_dataset("bus-stops", with_file=False))
    _loading(spent, attempts=settings.JOB_MAX_ATTEMPTS, heartbeat=_stale())
    client.force_login(publisher)  # the load status is shown to the dataset's publishers
    assert INTERRUPTED in client.get(f"/resources/{stalled.pk}/data/").content.decode()
    assert "Interrupted, retrying" in client.get(f"/en/resources/{stalled.pk}/data/").content.decode()

    done = repair_stalled_jobs()["datastore.repair.repair_stalled_loads"]
    assert done == {"requeued": [stalled.current_version_id], "failed": [spent.current_version_id]}
    table = DatastoreTable.objects.get(resource=stalled)
    assert (table.status, table.row_count, table.attempts, table.interrupted) == ("ready", 2, 2, False)
    assert DatastoreTable.objects.get(resource=spent).status == "failed"
    assert repair_stalled_jobs()["datastore.repair.repair_stalled_loads"] == {"requeued": [], "failed": []}


def _big_csv(rows):
    return ("id,station,day,count\n" + "".join(f"{n},S{n % 97},2024-01-{1 + n % 28:02},{n % 1000}\n"
                                               for n in range(rows))).encode()


class _WritesHeld:
    """A second connection that, from `hold(table_name)` to `release()`, keeps every write to that table waiting.

    The worker is then killed mid-load however fast the machine copies; its
    heartbeat thread writes another table and goes on beating.
    """

    def __init__(self):
        self.holder = connections.create_connection("default")

    def hold(self, table_name):
        with self.holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f'LOCK TABLE "{table_name}" IN SHARE MODE')

    def release(self):
        self.holder.close()  # the lock goes with the connection

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_load_whose_worker_is_killed_is_repaired_and_finishes(publisher, dataset, client, monkeypatch, settings):
    settings.JOB_STALE_SECONDS = 3
    client.force_login(publisher)  # the load status is shown to the dataset's publishers
    # Small COPY batches: the load is well under way before it ends; the heartbeat beats often.
    slow = {"DATASTORE_COPY_CHUNK_BYTES": str(16 * 1024), "JOB_HEARTBEAT_SECONDS": "0.5"}
    rows = 400_000
    with real_workers(monkeypatch, load_resource_version, extra_env=slow) as pool, _WritesHeld() as writes:
        first = pool.start()
        resource = add_file_resource(user=publisher, dataset=dataset,
                                     uploaded=upload("big.csv", _big_csv(rows)))

        def loading_held():
            table = DatastoreTable.objects.filter(resource=resource).first()
            if table is None or table.status != "loading" or table.rows_loaded == 0:
                return False
            writes.hold(table.table_name)
            return True

        assert wait_for(loading_held, first), "the first worker never started loading"
        def beating():
            table = DatastoreTable.objects.get(resource=resource)
            return table.status == "loading" and table.heartbeat >= table.started + timezone.timedelta(seconds=1)

        assert wait_for(beating, first), "the heartbeat is not refreshed while the load runs"
        os.kill(first.pid, signal.SIGKILL)  # mid-load: the message is never acknowledged
        first.wait()
        writes.release()
        table = DatastoreTable.objects.get(resource=resource)
        assert (table.status, table.attempts) == ("loading", 1)
        assert 0 < table.rows_loaded < rows

        second = pool.start()
        assert wait_for(lambda: DatastoreTable.objects.get(resource=resource).is_interrupted, second)
        assert INTERRUPTED in client.get(f"/resources/{resource.pk}/data/").content.decode()
        done = repair_stalled_jobs()["datastore.repair.repair_stalled_loads"]
        assert done["requeued"] == [resource.current_version_id]

        finished = wait_for(lambda: DatastoreTable.objects.get(resource=resource).status == "ready", second,
                            timeout=300)
        assert finished, "the requeued load did not finish"
        table = DatastoreTable.objects.get(resource=resource)
        assert (table.row_count, table.attempts, table.interrupted) == (rows, 2, False)
        assert INTERRUPTED not in client.get(f"/resources/{resource.pk}/data/").content.decode()
