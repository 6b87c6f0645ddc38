"""Taking the monthly snapshots: every indicator for the platform and every department, in bulk.

`take_snapshot(month)` computes the month's figures for both audiences (the
month's flows so far, stocks as they are now) and replaces that month's rows.
A month that has ended keeps its snapshot: today's data never rewrites it. The
daily task refreshes the current month late in the evening, so the last run
of a month counts it to its end. A month that ended without a snapshot may
be taken once, late: its `taken` says when, and its stocks are those of then.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import listed_organizations

from . import months, scoring
from .facts import AUDIENCES, Facts
from .indicators import for_audience
from .models import EvaluationSnapshot


def evaluated_organizations():
    """The departments evaluated and ranked: government organizations the public lists as data providers."""
    return listed_organizations().filter(kind=Organization.Kind.GOVERNMENT)


def compute(month, now):
    """{organization id or None (the platform): {audience: figures}} for the month, as of `now`."""
    organization_ids = list(evaluated_organizations().values_list("pk", flat=True))
    figures = {key: {} for key in [None, *organization_ids]}
    for audience in AUDIENCES:
        facts = Facts(audience, month, now)
        values = {key: {} for key in figures}
        for item in for_audience(audience):
            if not item.available:
                continue
            found = item.compute(facts)
            values[None][item.code] = found.platform
            if item.per_organization:
                for key in organization_ids:
                    # An organization the audience may count no dataset of has "no data", never 0.
                    values[key][item.code] = (found.organizations.get(key, found.default)
                                              if key in facts.dataset_counts else None)
        for key, entity in scoring.score(audience, values).items():
            figures[key][audience] = entity
    return figures


def take_snapshot(month, now=None):
    """Compute and store the month's snapshot; False (nothing changed) for an ended month that has one."""
    now = now or timezone.now()
    current = months.current(timezone.localdate(now))
    if month > current:
        raise ValueError(_("%(month)s 尚未开始，不能计算。") % {"month": months.label(month)})
    if month < current and EvaluationSnapshot.objects.filter(month=month).exists():
        return False
    rows = [EvaluationSnapshot(month=month, organization_id=key, figures=entity, taken=now)
            for key, entity in compute(month, now).items()]
    with transaction.atomic():
        EvaluationSnapshot.objects.filter(month=month).delete()
        EvaluationSnapshot.objects.bulk_create(rows, batch_size=500)
    return True


def refresh_current_month(now=None):
    """The daily refresh: the current month's snapshot, recomputed from today's data."""
    now = now or timezone.now()
    return take_snapshot(months.current(timezone.localdate(now)), now=now)
