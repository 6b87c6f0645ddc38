"""The public catalog every exchange format publishes: what the anonymous reader lists, nothing else.

data.json, the sitemaps and the pages' schema.org JSON-LD describe the same datasets whoever asks
(a publisher's own drafts and restricted datasets are never in them): published ones, open or
conditional (datasets.selectors.listed_datasets_for an anonymous Viewer).
"""
from django.utils.translation import gettext as _

from datasets.grading import Viewer
from datasets.selectors import is_listed_for, listed_datasets_for

# Who the formats speak to: nobody signed in, no API key.
ANONYMOUS = Viewer(None)


def public_datasets():
    """The public catalog, with what a full description needs fetched in a fixed number of queries."""
    return listed_datasets_for(ANONYMOUS)


def public_dataset_ids():
    return public_datasets().order_by().values("pk")


def in_public_catalog(dataset):
    """Whether the dataset is one public_datasets() lists (asked of one dataset, no query)."""
    return is_listed_for(ANONYMOUS, dataset)


def access_conditions(links, dataset):
    """How the reader gets the data of a dataset they may not download: where to apply."""
    return _("有条件开放：数据需向提供单位申请，经审核同意后方可获取。申请地址：%(url)s") % {
        "url": links.apply_page(dataset)}


def access_conditions_short():
    """The same without the address, where a format limits the length (data.json `rights`)."""
    return _("有条件开放：数据需向提供单位申请，经审核同意后方可获取，详见数据集页面。")


def iso_timestamp(moment):
    """A timestamp to the second, with its offset (both formats' dates)."""
    return moment.replace(microsecond=0).isoformat() if moment else ""
