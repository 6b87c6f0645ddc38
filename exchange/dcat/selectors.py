"""What the public DCAT documents describe: the datasets the anonymous reader may see, a page at a time.

The catalog documents are public whoever asks (a signed-in publisher or staff member gets the
same document as anyone), so every query here is for `Viewer(None)`: restricted datasets and
drafts never appear. A page fetches its datasets with everything the graph reads in a fixed
number of queries, whatever the page size or the catalog's.
"""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from contributions.models import Provenance
from datasets.models import Dataset
from datasets.selectors import datasets_for

from ..catalog import ANONYMOUS, public_datasets

PAGE_SIZE = 100
# Beyond this many digits a page number is past any catalog's last page (and int() would refuse it).
MAX_PAGE_DIGITS = 18

# What the graph reads beyond datasets_for's organization, licence, themes and resources.
GRAPH_PREFETCH = (
    "themes__parent",
    "resources__current_version",
    Prefetch("provenance", queryset=Provenance.objects.select_related("enterprise").order_by("created", "id"),
             to_attr="merged_contributions"),
)


@dataclass(frozen=True)
class CatalogPage:
    datasets: list
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def last(self):
        return last_page(self.total, self.size)


def last_page(total, size=PAGE_SIZE):
    """The last page's number: 1 for an empty catalog, whose one page lists nothing."""
    return max(1, -(-total // size))


def parse_page(value):
    """`?page=` as a number from 1 (absent or empty: 1); None for one too long to be any catalog's page."""
    if value in (None, ""):
        return 1
    digits = value.lstrip("0") if re.fullmatch(r"[0-9]+", value) else ""
    if not digits:
        raise ValidationError({"page": _("页码应为从 1 开始的整数。")})
    return int(digits) if len(digits) <= MAX_PAGE_DIGITS else None


def parse_modified_since(value):
    """`?modified_since=` as an aware datetime: an ISO 8601 date (midnight, local time) or date-time."""
    if value in (None, ""):
        return None
    # An unencoded "+08:00" offset arrives as " 08:00" (a "+" in a query string is a space).
    value = re.sub(r"([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$", r"\1+\2", value.strip())
    message = _("modified_since 应为 ISO 8601 日期或时间，例如 2024-01-31 或 2024-01-31T08:00:00+08:00。")
    try:
        moment = parse_datetime(value)
        if moment is None:
            raise ValueError(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ValidationError({"modified_since": message}) from None


def catalog_page(number, modified_since=None):
    """One page of the listed datasets, oldest first (by pk), modified at or after `modified_since`."""
    queryset = public_datasets()
    if modified_since is not None:
        queryset = queryset.filter(modified__gte=modified_since)
    total = queryset.count()
    last = last_page(total)
    if number is None or number > last:
        raise ValidationError({"page": _("页码超出范围：共 %(last)d 页。") % {"last": last}})
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset.order_by("pk").prefetch_related(*GRAPH_PREFETCH)[start:start + PAGE_SIZE])
    return CatalogPage(datasets=rows, number=number, total=total)


def catalog_modified():
    """When the listed catalog last changed: its most recently modified dataset's time, or None."""
    return public_datasets().aggregate(latest=Max("modified"))["latest"]


def public_dataset(identifier):
    """A dataset the anonymous reader may see (archived ones too, as on its page), ready for a graph; else 404."""
    try:
        return datasets_for(ANONYMOUS).prefetch_related(*GRAPH_PREFETCH).get(identifier=identifier)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def is_public(dataset):
    return ANONYMOUS.can_view(dataset)


def prepare(dataset):
    """Fetch what the graph reads onto a dataset another query loaded (the dataset page's)."""
    prefetch_related_objects([dataset], *GRAPH_PREFETCH)
    return dataset
