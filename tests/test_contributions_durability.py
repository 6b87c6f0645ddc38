"""Durability: one merge under concurrent approvals, a real worker killed mid-validation, the heartbeat repair."""
import os
import signal
import threading

import pytest
from django.db import connections

from api_support import upload
from apikeys_support import session_client
from celery_support import real_workers, wait_for
from contributions import tasks
from contributions.models import Contribution, Provenance, Status
from contributions_support import new_dataset_body
from datasets.models import Dataset

CONTRIBUTIONS = "/api/v1/contributions/"


def _submit(enterprise_admin, organization, transport_bureau, file=None):
    response = session_client(enterprise_admin).post(
        CONTRIBUTIONS, new_dataset_body(organization, transport_bureau, file), format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_approving_at_once_merge_once(enterprise_a, enterprise_admin, reviewer, staff, make_user,
                                                    transport_bureau):
    from organizations.models import Membership
    from organizations.services import add_member

    second = make_user("reviewer2")
    add_member(user=staff, organization=transport_bureau, member=second, role=Membership.Role.REVIEWER)
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


def _big_csv(rows):
    lines = ["id,station,date,count"] + [f"{n},S{n % 97},2024-01-{1 + n % 28:02},{n % 1000}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_validation_leaves_the_contribution_to_be_validated_again(
        enterprise_a, enterprise_admin, transport_bureau, monkeypatch):
    # Redis redelivers an unacknowledged task after the visibility timeout: short here.
    quick_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                        "CELERY_UNACKED_RESTORE_THROTTLE": "1"}
    with real_workers(monkeypatch, tasks.validate_contribution, extra_env=quick_redelivery) as pool:
        first = pool.start()
        pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau,
                     upload("big.csv", _big_csv(600_000), "text/csv"))

        def progressed():
            report = Contribution.objects.get(pk=pk).report
            return bool(report.get("progress"))

        assert wait_for(progressed, first), "the first worker never started validating"
        os.kill(first.pid, signal.SIGKILL)  # mid-task: the message was never acknowledged
        first.wait()
        stuck = Contribution.objects.get(pk=pk)
        assert stuck.status == Status.VALIDATING and stuck.validation_attempts == 1

        second = pool.start()
        done = wait_for(lambda: Contribution.objects.get(pk=pk).status == Status.AWAITING_REVIEW, second)
        assert done, "the redelivered validation did not finish"
        contribution = Contribution.objects.get(pk=pk)
        assert contribution.validation_attempts >= 2
        assert contribution.report["rows"] == 600_000 and contribution.report["valid"]


def _stale():
    from django.utils import timezone

    return timezone.now() - timezone.timedelta(hours=1)


@pytest.mark.django_db
def test_the_repair_requeues_a_stalled_validation_and_removes_its_temporary_files(
        enterprise_a, enterprise_admin, transport_bureau, django_capture_on_commit_callbacks):
    from contributions.services.validation_job import scratch_key
    from core import jobs
    from core.tasks import repair_stalled_jobs

    with django_capture_on_commit_callbacks(execute=False):  # submitted, but its task is "lost"
        pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau)
    Contribution.objects.filter(pk=pk).update(status=Status.VALIDATING, validation_attempts=1, heartbeat=_stale())
    left = jobs.scratch_file(scratch_key(pk), ".sqlite3")  # what the killed run was writing
    page = session_client(enterprise_admin).get(f"/contributions/{pk}/").content.decode()
    assert "校验已中断，正在重试。" in page
    english = session_client(enterprise_admin).get(f"/en/contributions/{pk}/").content.decode()
    assert "Validation was interrupted; retrying." in english

    assert repair_stalled_jobs()["contributions.repair.repair_stalled_validations"] == {"requeued": [pk], "failed": []}
    assert not os.path.exists(left)
    contribution = Contribution.objects.get(pk=pk)
    assert (contribution.status, contribution.validation_attempts, contribution.interrupted) == (
        Status.AWAITING_REVIEW, 2, False)
    assert repair_stalled_jobs()["contributions.repair.repair_stalled_validations"] == {"requeued": [], "failed": []}


@pytest.mark.django_db
def test_a_validation_whose_attempts_are_spent_fails_with_its_reason(
        enterprise_a, enterprise_admin, transport_bureau, django_capture_on_commit_callbacks, settings):
    from core.tasks import repair_stalled_jobs

    with django_capture_on_commit_callbacks(execute=False):
        first = _submit(enterprise_admin, enterprise_a.organization, transport_bureau)
    Contribution.objects.filter(pk=first).update(status=Status.VALIDATING, heartbeat=_stale(),
                                                 validation_attempts=settings.JOB_MAX_ATTEMPTS)
    assert repair_stalled_jobs()["contributions.repair.repair_stalled_validations"]["failed"] == [first]
    contribution = Contribution.objects.get(pk=first)
    assert (contribution.status, contribution.validation) == (Status.NEEDS_CHANGES, "failed")
    assert f"{settings.JOB_MAX_ATTEMPTS} 次" in contribution.report["fatal"]

    # A redelivered task finding the attempts spent fails the validation the same way, and drops the message.
    Contribution.objects.filter(pk=first).update(status=Status.VALIDATING, interrupted=False)
    tasks.validate_contribution.delay(first)
    assert Contribution.objects.get(pk=first).status == Status.NEEDS_CHANGES


@pytest.mark.django_db
def test_a_submission_whose_task_never_started_is_queued_again(enterprise_a, enterprise_admin, transport_bureau,
                                                               django_capture_on_commit_callbacks):
    from core.tasks import repair_stalled_jobs

    with django_capture_on_commit_callbacks(execute=False):
        pk = _submit(enterprise_admin, enterprise_a.organization, transport_bureau)
    Contribution.objects.filter(pk=pk).update(submitted_at=_stale())
    assert repair_stalled_jobs()["contributions.repair.repair_stalled_validations"]["requeued"] == [pk]
    assert Contribution.objects.get(pk=pk).status == Status.AWAITING_REVIEW
