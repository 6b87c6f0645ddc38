"""Search template tags: the "related datasets" block for a dataset page."""
from django import template

from datasets.grading import viewer_for

from .. import searching

register = template.Library()


@register.inclusion_tag("search/includes/related_datasets.html", takes_context=True)
def related_datasets(context, dataset):
    """{% related_datasets dataset %}: visible datasets sharing keywords or themes with it."""
    return {"related": searching.related(dataset, viewer_for(context["request"]))}
