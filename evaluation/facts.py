"""What one snapshot counts for one audience: its datasets, its month, and the aggregates indicators share.

The public audience counts only the datasets datasets.grading lets an outsider
know exist (published or archived, open or conditional), and rows of other apps
only when the dataset they name is one of those; staff count every dataset,
drafts and restricted ones included. Every figure is one grouped query over the
whole catalog (by organization), never one query per organization.
"""
import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from datasets.grading import Viewer
from datasets.models import Dataset

from . import months

PUBLIC, STAFF = "public", "staff"
AUDIENCES = (PUBLIC, STAFF)

OUTSIDER = Viewer(AnonymousUser())


@dataclass
class Values:
    """An indicator's figures: the platform's and {organization id: value}.

    An organization with datasets but no row in `organizations` gets `default`
    (0 for a count; None, "no data", for a share of nothing); one without datasets gets None.
    """

    platform: object
    organizations: dict = field(default_factory=dict)
    default: object = 0


def grouped(queryset, organization_field, **aggregates):
    """{organization id: {name: value}} of `aggregates` over `queryset`, in one GROUP BY query."""
    rows = queryset.order_by().values(organization_field).annotate(**aggregates)
    return {row.pop(organization_field): row for row in rows}


def summed(groups, name):
    return sum(row[name] or 0 for row in groups.values())


def share(part, whole):
    """`part` of `whole` in percent, one decimal; None ("no data") when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def figure(facts, queryset, organization_field, value, **aggregates):
    """Values of `value(sums)` where sums are `aggregates` (additive: counts, sums) per organization and for all.

    The platform has "no data" when the audience may count no dataset at all.
    """
    groups = grouped(queryset, organization_field, **aggregates)
    total = {name: summed(groups, name) for name in aggregates}
    return Values(value(total) if facts.dataset_counts else None, {key: value(row) for key, row in groups.items()},
                  default=value(dict.fromkeys(aggregates, 0)))


def medians(pairs):
    """(platform median, {organization: median}) of (organization, days) pairs; None where there are none."""
    by_organization = {}
    for organization, days in pairs:
        by_organization.setdefault(organization, []).append(days)

    def median(values):
        return round(statistics.median(values), 1) if values else None
    return Values(median([days for _key, days in pairs]),
                  {key: median(values) for key, values in by_organization.items()}, default=None)


def days_between(start, end):
    return (end - start).total_seconds() / 86400


class Facts:
    """One audience's view of one month, at `now` (stocks are counted as they are at `now`)."""

    def __init__(self, audience, month, now):
        self.audience = audience
        self.month = month
        self.now = now
        self.computed = {}  # indicator function -> its Values (see indicators.indicator)
        start, end = months.bounds(month)
        self.start, self.end = start, min(end, now)
        self.first_day = month
        self.last_day = min(months.following(month) - timedelta(days=1), self.end.astimezone(start.tzinfo).date())

    @property
    def is_staff(self):
        return self.audience == STAFF

    @cached_property
    def datasets(self):
        everything = Dataset.objects.order_by()
        return everything if self.is_staff else OUTSIDER.filter_visible(everything)

    def through(self, queryset, *fields):
        """Rows of `queryset` whose datasets (foreign keys `fields`, default `dataset`) the audience may count."""
        return queryset if self.is_staff else OUTSIDER.filter_visible_through(queryset, *fields)

    def during(self, field_name):
        """A Q for a datetime field within the month (so far)."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})

    def on_days(self, field_name):
        """A Q for a date field within the month (so far)."""
        return Q(**{f"{field_name}__gte": self.first_day, f"{field_name}__lte": self.last_day})

    @cached_property
    def dataset_counts(self):
        """{organization id: datasets the audience may count}; an organization absent here has "no data"."""
        return {key: row["n"] for key, row in grouped(self.datasets, "organization_id", n=Count("pk")).items()}

    @cached_property
    def grade_counts(self):
        """{organization id: {grade: datasets}}."""
        counts = {}
        rows = self.datasets.values("organization_id", "open_grade").annotate(n=Count("pk"))
        for row in rows:
            counts.setdefault(row["organization_id"], {})[row["open_grade"]] = row["n"]
        return counts
