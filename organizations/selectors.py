"""Which organizations the public sees as data providers: the one rule every public list asks.

Whether an enterprise is verified is known above this layer (enterprises), so that app registers
the organizations to leave out (EnterprisesConfig.ready) and this module applies them.
"""
from .models import Organization

_unlisted_conditions = []


def register_unlisted(condition):
    """`condition` (a Q over Organization) matches organizations no public list may show."""
    if condition not in _unlisted_conditions:
        _unlisted_conditions.append(condition)


def listed_organizations():
    """The organizations public pages, filters, facets and the API may name as data providers."""
    queryset = Organization.objects.all()
    for condition in _unlisted_conditions:
        queryset = queryset.exclude(condition)
    return queryset
