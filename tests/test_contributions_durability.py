"""Durability: one merge under concurrent approvals, a real worker killed mid-validation, the stuck sweeper."""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, connections

from contributions import tasks
from contributions.models import Contribution, Provenance, Status
from contributions_support import (
    enterprise_a,  # noqa: F401 - fixture
    enterprise_admin,  # noqa: F401 - fixture
    fresh_cache,  # noqa: F401 - fixture
    new_dataset_body,
    reviewer,  # noqa: F401 - fixture
    session_client,
    upload,
)
from datasets.models import Dataset
from portal.celery import app as celery_app

CONTRIBUTIONS = "/api/v1/contributions/"
WORKER_TIMEOUT = int(os.environ.get("CONTRIB_WORKER_TIMEOUT", "120"))  # a bound on waiting for the worker, not an assertion on speed


def _submit(enterprise_admin, organization, transport_bureau, file=None):
    response = session_client(enterprise_admin).post(
        CONTRIBUTIONS, new_dataset_body(organization, transport_bureau, file), format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_approving_at_once_merge_once(enterprise_a, enterprise_admin, reviewer, staff, make_user,
                                                    transport_bureau):
    from datasets import services
    from datasets.models import Membership

    second = make_user("reviewer2")
    services.add_member(user=staff, organization=transport_bureau, member=second, role=Membership.Role.REVIEWER)
    pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau)
    assert Contribution.objects.get(pk=pk).status == Status.AWAITING_REVIEW

    barrier, results = threading.Barrier(2), []

    def approve(user):
        client = session_client(user)
        barrier.wait()
        try:
            results.append(client.post(f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"}, format="json")
                           .status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (reviewer, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    assert Dataset.objects.filter(identifier="ent-bike-counts").count() == 1
    assert Provenance.objects.filter(contribution_id=pk).count() == 1
    assert Contribution.objects.get(pk=pk).transitions.filter(to_status=Status.MERGED).count() == 1


def _start_worker(queue, log):
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    env = {**os.environ, "DATABASE_URL": database_url.geturl(), "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_VISIBILITY_TIMEOUT": "3",
           "CELERY_UNACKED_RESTORE_INTERVAL": "1", "CELERY_UNACKED_RESTORE_THROTTLE": "1",
           "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency", "1",
         "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel", "INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def _wait(condition, worker, timeout=WORKER_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        assert worker.poll() is None, "the Celery worker exited"
        time.sleep(0.2)
    return False


def _ready(log, worker, count):
    """Wait until `count` workers have declared their queue: a task published before that would be dropped."""
    def declared():
        log.seek(0)
        return log.read().count(" ready.") >= count
    return _wait(declared, worker)


def _big_csv(rows):
    lines = ["id,station,date,count"] + [f"{n},S{n % 97},2024-01-{1 + n % 28:02},{n % 1000}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_validation_leaves_the_contribution_to_be_validated_again(
        enterprise_a, enterprise_admin, transport_bureau, monkeypatch):
    queue = f"test-contrib-{uuid.uuid4().hex[:12]}"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(tasks.validate_contribution, "queue", queue, raising=False)
    # Celery caches a task's send options at its first call (an earlier eager test may have made it).
    monkeypatch.setattr(tasks.validate_contribution, "_exec_options", None, raising=False)
    log = tempfile.TemporaryFile(mode="a+")  # O_APPEND: the workers write at the end whatever this reads
    first = _start_worker(queue, log)
    second = None
    try:
        assert _ready(log, first, 1), "the first worker did not start"
        pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau,
                     upload("big.csv", _big_csv(600_000), "text/csv"))

        def progressed():
            report = Contribution.objects.get(pk=pk).report
            return bool(report.get("progress"))

        assert _wait(progressed, first), "the first worker never started validating"
        os.kill(first.pid, signal.SIGKILL)  # mid-task: the message was never acknowledged
        first.wait()
        stuck = Contribution.objects.get(pk=pk)
        assert stuck.status == Status.VALIDATING and stuck.validation_attempts == 1

        second = _start_worker(queue, log)
        assert _ready(log, second, 2), "the second worker did not start"
        done = _wait(lambda: Contribution.objects.get(pk=pk).status == Status.AWAITING_REVIEW, second)
        assert done, "the redelivered validation did not finish"
        contribution = Contribution.objects.get(pk=pk)
        assert contribution.validation_attempts >= 2
        assert contribution.report["rows"] == 600_000 and contribution.report["valid"]
    finally:
        celery_app.conf.task_always_eager = eager
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        log.seek(0)
        print(log.read()[-6000:])
        log.close()


@pytest.mark.django_db
def test_the_sweeper_requeues_contributions_stuck_in_validating(enterprise_a, enterprise_admin, transport_bureau,
                                                                django_capture_on_commit_callbacks):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):  # submitted, but its task is "lost"
        pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau)
    Contribution.objects.filter(pk=pk).update(status=Status.VALIDATING,
                                              validating_since=timezone.now() - timezone.timedelta(hours=2))
    assert tasks.requeue_stuck_validations() == [pk]
    assert Contribution.objects.get(pk=pk).status == Status.AWAITING_REVIEW
    assert tasks.requeue_stuck_validations() == []
