"""Whether each dataset is updated as often as its publisher declared: on time, due soon, overdue, not declared.

The due date is the publisher's `next_update_due` when set, else the last data update plus the declared
period. The last data update is the newest stored file (ResourceVersion.created), else what a harvested
source says (source_modified), else the publication. "Irregular" declares nothing; "never" means no longer
updated, so never late. One rule (`_state`) answers for one dataset and for bulk counts alike, and bulk
counts read one row per dataset in one query (the evaluation counts 100,000 datasets).
"""
import datetime
from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset, ResourceVersion, UpdateFrequency


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时更新")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    NOT_DECLARED = "not_declared", _("未声明更新频率")


PERIODS = {
    UpdateFrequency.REALTIME: relativedelta(days=1),
    UpdateFrequency.DAILY: relativedelta(days=1),
    UpdateFrequency.WEEKLY: relativedelta(weeks=1),
    UpdateFrequency.MONTHLY: relativedelta(months=1),
    UpdateFrequency.QUARTERLY: relativedelta(months=3),
    UpdateFrequency.SEMIANNUAL: relativedelta(months=6),
    UpdateFrequency.ANNUAL: relativedelta(years=1),
}
DUE = (Timeliness.OVERDUE, Timeliness.DUE_SOON)
# The newest data a dataset holds, as one expression (an aggregate over its resources' versions).
LAST_UPDATE = Coalesce(Max("resources__versions__created"), "source_modified", "published_at")


def _windows():
    """{frequency: days before the due date that count as "due soon"}: the setting, at most a quarter of
    the period, so a daily dataset is due soon on its due day only instead of always."""
    days = settings.TIMELINESS_DUE_SOON_DAYS
    start = datetime.date(2001, 1, 1)
    return {frequency: min(days, ((start + period) - start).days // 4) for frequency, period in PERIODS.items()}


def _state(frequency, next_due, last_update, today, windows):
    """(state, due date or None) of one dataset's declared frequency, next due date and last update."""
    if frequency == UpdateFrequency.NEVER:
        return Timeliness.ON_TIME, None
    period = PERIODS.get(frequency)
    if period is None and next_due is None:
        return Timeliness.NOT_DECLARED, None
    due = next_due or (timezone.localdate(last_update) + period if last_update else None)
    if due is None:  # declared, but nothing published yet to count from
        return Timeliness.ON_TIME, None
    if today > due:
        return Timeliness.OVERDUE, due
    if (due - today).days <= windows.get(frequency, settings.TIMELINESS_DUE_SOON_DAYS):
        return Timeliness.DUE_SOON, due
    return Timeliness.ON_TIME, due


def last_update_of(dataset):
    versions = ResourceVersion.objects.filter(resource__dataset=dataset).aggregate(newest=Max("created"))
    return versions["newest"] or dataset.source_modified or dataset.published_at


def timeliness_of(dataset, today=None):
    """(state, due date or None, last data update or None) of one dataset."""
    last_update = last_update_of(dataset)
    state, due = _state(dataset.update_frequency, dataset.next_update_due, last_update,
                        today or timezone.localdate(), _windows())
    return state, due, last_update


def _states(queryset, key, today):
    """Yield (`key` of the dataset, state, due, last update) for every dataset of `queryset`, in one query."""
    today = today or timezone.localdate()
    windows = _windows()
    rows = (queryset.order_by().annotate(last_data_update=LAST_UPDATE)
            .values_list(key, "update_frequency", "next_update_due", "last_data_update"))
    for value, frequency, next_due, last_update in rows.iterator(chunk_size=5000):
        state, due = _state(frequency, next_due, last_update, today, windows)
        yield value, state, due, last_update


def states_of(queryset, today=None):
    """Yield (dataset id, state, due, last update) for every dataset of `queryset`, read in one query."""
    return _states(queryset, "pk", today)


def summarize_by_organization(queryset, today=None):
    """{organization id: {state: number of datasets}} over `queryset` (organizations with datasets only)."""
    counts = defaultdict(Counter)
    for organization_id, state, _due, _last in _states(queryset, "organization_id", today):
        counts[organization_id][state] += 1
    return {key: {state: found.get(state, 0) for state in Timeliness.values} for key, found in counts.items()}


def summarize(queryset, today=None):
    """{state: number of datasets} over `queryset`, every state present."""
    counts = Counter(state for _pk, state, _due, _last in states_of(queryset, today))
    return {state: counts.get(state, 0) for state in Timeliness.values}


def due_datasets(queryset, today=None):
    """The datasets of `queryset` overdue or due soon, overdue first, then by due date; each carries
    `timeliness` = (state, due, last update)."""
    found = {pk: (state, due, last) for pk, state, due, last in states_of(queryset, today) if state in DUE}
    datasets = list(Dataset.objects.filter(pk__in=list(found)).select_related("organization"))
    for dataset in datasets:
        dataset.timeliness = found[dataset.pk]
    datasets.sort(key=lambda dataset: (DUE.index(dataset.timeliness[0]), dataset.timeliness[1], dataset.title))
    return datasets


def due_by_organization(queryset, today=None):
    """{organization id: due_datasets of that organization}, for the organizations that have any."""
    grouped = defaultdict(list)
    for dataset in due_datasets(queryset, today):
        grouped[dataset.organization_id].append(dataset)
    return dict(grouped)
