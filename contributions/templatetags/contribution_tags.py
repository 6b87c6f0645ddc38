"""`{% dataset_provenance dataset %}`: the public "contributed by" note on a dataset page."""
from django import template

from ..selectors import provenance_of

register = template.Library()


@register.inclusion_tag("contributions/includes/provenance.html")
def dataset_provenance(dataset):
    return {"provenance": provenance_of(dataset)}
