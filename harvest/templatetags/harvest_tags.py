"""`{% harvest_provenance dataset %}`: the public "harvested from" note on a dataset page."""
from django import template
from django.utils.dateparse import parse_datetime

from ..provenance import describe_provenance

register = template.Library()


@register.inclusion_tag("harvest/includes/provenance.html")
def harvest_provenance(dataset):
    entries = [{**entry, "last_harvested": parse_datetime(entry["last_harvested"])}
               for entry in describe_provenance(dataset)]
    return {"provenance": entries}
