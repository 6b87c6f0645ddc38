"""The daily timeliness digest: one mail per organization to its publishers, overdue first, once a day;
and the same digest sent by a real beat schedule to a real worker."""
import datetime
import email
import re
import uuid
from email import policy

import pytest
from django.core import mail
from django.utils import timezone

from celery_support import WorkerPool, wait_for
from organizations.models import Membership
from organizations.services import add_member
from portal.settings.queues import queue_name
from quality import tasks
from quality.models import TimelinessDigest


def _day(offset):
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def due_catalog(make_dataset, make_user, make_org, staff, transport_bureau, other_publisher, eco_bureau):
    """Transport: one overdue, one due soon, one on time, an overdue draft; eco: one overdue;
    a third department with a publisher and nothing due."""
    make_dataset("soon", title="即将到期的数据", update_frequency="monthly", next_update_due=_day(2))
    make_dataset("late", title="逾期的数据", update_frequency="monthly", next_update_due=_day(-3))
    make_dataset("fine", update_frequency="annual")
    make_dataset("late-draft", state="draft", update_frequency="daily", next_update_due=_day(-9))
    make_dataset("eco-late", user=other_publisher, organization=eco_bureau, next_update_due=_day(-1),
                 update_frequency="weekly", open_grade="restricted")
    for role in (Membership.Role.REVIEWER, Membership.Role.ADMIN, Membership.Role.MEMBER):
        add_member(user=staff, organization=transport_bureau, member=make_user(f"transport-{role}"), role=role)
    quiet = make_org("quiet-bureau")
    quiet_publisher = make_user("quiet_publisher")
    add_member(user=staff, organization=quiet, member=quiet_publisher, role=Membership.Role.PUBLISHER)
    make_dataset("quiet-fine", user=quiet_publisher, organization=quiet, update_frequency="daily")


@pytest.mark.django_db
def test_one_digest_per_organization_to_its_publishers_once_a_day(due_catalog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_timeliness_digests.delay()
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("publisher@example.org",), ("other_publisher@example.org",)}

    transport = by_recipient[("publisher@example.org",)]
    assert "1 个已逾期，1 个即将到期" in transport.subject
    body = transport.body
    assert body.index("逾期的数据") < body.index("即将到期的数据")
    assert "http://localhost:8000/datasets/-/edit/late" in body
    assert "http://localhost:8000/quality/organizations/transport-bureau/" in body
    assert "fine" not in body and "late-draft" not in body
    assert "eco-late" in by_recipient[("other_publisher@example.org",)].body
    assert TimelinessDigest.objects.get(organization__slug="transport-bureau").overdue == 1

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_timeliness_digests.delay()
    assert len(mail.outbox) == 2


SUCCEEDED = re.compile(r"send_timeliness_digests\[[-0-9a-f]+\] succeeded")


def _mails(directory):
    """The messages the file e-mail backend wrote (one file per connection, messages separated by dashes)."""
    texts = [chunk for path in sorted(directory.glob("*")) for chunk in path.read_text().split("-" * 79 + "\n")]
    return [email.message_from_string(text.strip() + "\n", policy=policy.default) for text in texts if text.strip()]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_overdue_digest_goes_out_from_a_real_beat_schedule(due_catalog, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    outbox = tmp_path / "mail"
    # The beat sends the digest to the mail queue of the prefix `queue` (portal/settings/queues.py).
    pool = WorkerPool(queue_name(queue, "mail"), extra_env={
        "CELERY_QUEUE_PREFIX": queue, "CELERY_TASK_DEFAULT_QUEUE": queue, "TIMELINESS_DIGEST_SCHEDULE": "1",
        "TEST_EMAIL_FILE_PATH": str(outbox)})
    try:
        # The beat sends the task every second, so one sent before the worker listens is only a second lost.
        pool.start_beat(tmp_path)
        worker = pool.start()
        # Two runs: the second must send nothing.
        ran_twice = wait_for(lambda: len(SUCCEEDED.findall(pool._log_text())) >= 2, worker)
        assert ran_twice, "the beat did not send the digest task twice"
    finally:
        pool.stop()
    messages = _mails(outbox)
    assert sorted(message["To"] for message in messages) == ["other_publisher@example.org", "publisher@example.org"]
    transport = next(message for message in messages if message["To"] == "publisher@example.org")
    body = transport.get_payload()
    assert body.index("逾期的数据") < body.index("即将到期的数据")
    assert TimelinessDigest.objects.count() == 2
