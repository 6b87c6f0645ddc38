"""Harvest on other apps' pages: `{% harvest_provenance dataset %}` (the public "harvested from" note) and
`{% flagged_harvest_sources %}` (the sources needing attention, on the publishers' dashboard)."""
from django import template
from django.utils.dateparse import parse_datetime

from ..provenance import describe_provenance
from ..selectors import flagged_sources

register = template.Library()


@register.inclusion_tag("harvest/includes/provenance.html")
def harvest_provenance(dataset):
    entries = [{**entry, "last_harvested": parse_datetime(entry["last_harvested"])}
               for entry in describe_provenance(dataset)]
    return {"provenance": entries}


@register.inclusion_tag("harvest/includes/flagged.html", takes_context=True)
def flagged_harvest_sources(context):
    return {"flagged": flagged_sources(context["request"].user)}
