"""Timeliness: each declared frequency's due date and state, the publisher's date, the fallbacks, bulk counts."""
import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from datasets.models import Dataset
from quality.timeliness import Timeliness, summarize, timeliness_of

pytestmark = pytest.mark.django_db

ON_TIME, DUE_SOON, OVERDUE = Timeliness.ON_TIME, Timeliness.DUE_SOON, Timeliness.OVERDUE


def test_each_frequency_is_due_one_period_after_the_last_file(make_dataset):
    dataset = make_dataset("bus-routes")  # its file was stored today
    today = timezone.localdate()
    # frequency: (period, days before the due date that are "due soon")
    periods = {"realtime": (relativedelta(days=1), 0), "daily": (relativedelta(days=1), 0),
               "weekly": (relativedelta(weeks=1), 1), "monthly": (relativedelta(months=1), 7),
               "quarterly": (relativedelta(months=3), 7), "semiannual": (relativedelta(months=6), 7),
               "annual": (relativedelta(years=1), 7)}
    for frequency, (period, window) in periods.items():
        dataset.update_frequency = frequency
        due = today + period
        assert timeliness_of(dataset, today=today)[:2] == (ON_TIME, due), frequency
        assert timeliness_of(dataset, today=due - datetime.timedelta(days=window + 1))[0] == ON_TIME, frequency
        assert timeliness_of(dataset, today=due - datetime.timedelta(days=window))[0] == DUE_SOON, frequency
        assert timeliness_of(dataset, today=due)[0] == DUE_SOON, frequency
        assert timeliness_of(dataset, today=due + datetime.timedelta(days=1))[0] == OVERDUE, frequency
    state, due, last_update = timeliness_of(dataset)
    assert last_update == dataset.resources.get().current_version.created

    later = today + relativedelta(years=5)
    dataset.update_frequency = "never"
    assert timeliness_of(dataset, today=later)[:2] == (ON_TIME, None)
    dataset.update_frequency = "irregular"
    assert timeliness_of(dataset, today=later)[:2] == (Timeliness.NOT_DECLARED, None)


def test_the_publishers_next_update_date_wins(make_dataset):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=3)
    dataset = make_dataset("metro", update_frequency="annual", next_update_due=soon.isoformat())
    assert timeliness_of(dataset, today=today)[:2] == (DUE_SOON, soon)
    assert timeliness_of(dataset, today=soon + datetime.timedelta(days=1))[:2] == (OVERDUE, soon)
    dataset.update_frequency = "irregular"  # a date of its own is a declaration too
    assert timeliness_of(dataset, today=today)[:2] == (DUE_SOON, soon)


def test_without_files_the_source_date_then_the_publication_counts(make_dataset):
    dataset = make_dataset("no-files", with_file=False, update_frequency="monthly")
    state, due, last_update = timeliness_of(dataset)
    assert (state, last_update) == (ON_TIME, dataset.published_at)
    assert due == timezone.localdate(dataset.published_at) + relativedelta(months=1)

    harvested = timezone.now() - datetime.timedelta(days=90)  # only a harvest writes source_modified
    Dataset.objects.filter(pk=dataset.pk).update(source_modified=harvested)
    dataset.refresh_from_db()
    assert timeliness_of(dataset) == (OVERDUE, timezone.localdate(harvested) + relativedelta(months=1), harvested)


def test_summarize_counts_every_state_in_one_query(make_dataset, django_assert_num_queries):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    make_dataset("a-daily", update_frequency="daily")
    make_dataset("b-never", update_frequency="never", with_file=False)
    make_dataset("c-irregular")
    make_dataset("d-late", update_frequency="monthly", next_update_due=yesterday)
    make_dataset("e-late", update_frequency="weekly", next_update_due=yesterday, with_file=False)
    with django_assert_num_queries(1):
        counts = summarize(Dataset.objects.all())
    assert counts == {"on_time": 2, "due_soon": 0, "overdue": 2, "not_declared": 1}
    assert summarize(Dataset.objects.none()) == dict.fromkeys(Timeliness.values, 0)
