"""`{% flagged_harvest_sources %}`: the sources needing attention, on the publishers' dashboard."""
from django import template

from ..selectors import flagged_sources

register = template.Library()


@register.inclusion_tag("harvest/includes/flagged.html", takes_context=True)
def flagged_harvest_sources(context):
    return {"flagged": flagged_sources(context["request"].user)}
