"""Timeliness on the catalog's pages: `{% dataset_timeliness dataset %}`, the due date and the state."""
from django import template

from ..timeliness import Timeliness, timeliness_of

register = template.Library()

BADGES = {Timeliness.OVERDUE: "badge-warning", Timeliness.DUE_SOON: "badge-conditional",
          Timeliness.ON_TIME: "badge-open", Timeliness.NOT_DECLARED: "badge-state"}


@register.inclusion_tag("quality/includes/timeliness.html")
def dataset_timeliness(dataset):
    state, due, last_update = timeliness_of(dataset)
    return {"state": state, "label": Timeliness(state).label, "badge": BADGES[state], "due": due,
            "last_update": last_update}
