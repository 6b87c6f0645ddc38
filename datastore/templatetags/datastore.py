from django import template

from datastore.readers import is_tabular as _is_tabular

register = template.Library()


@register.filter
def is_tabular(fmt):
    """Whether a resource of this format gets a data page (table, chart, map, exports)."""
    return _is_tabular(fmt)
