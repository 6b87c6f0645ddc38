"""The JSON-LD (schema.org) a catalog page embeds, described by the apps above this one.

The dataset and home pages are this app's, but the formats the open-data world reads are the
exchange app's, which sits above it: exchange registers its describers (ExchangeConfig.ready) and
the pages embed whatever they are given (templatetags/jsonld.py), or nothing.
"""
DATASET_PAGE = "dataset"
HOME_PAGE = "home"

_describers = {DATASET_PAGE: [], HOME_PAGE: []}


def register_structured_data(page, describe):
    """`describe(request, subject)` returns a JSON-ready dict for `page` (subject: the page's dataset,
    None on the home page), or None."""
    if describe not in _describers[page]:
        _describers[page].append(describe)


def structured_data(page, request, subject=None):
    """The JSON-LD documents of one page, in the order they were registered."""
    documents = (describe(request, subject) for describe in _describers[page])
    return [document for document in documents if document is not None]
