"""Blocks the dataset page takes from the access app: how to apply, and the results built with the data."""
from django import template

from datasets.grading import needs_application
from enterprises.services import enterprises_of

from .. import selectors, services
from ..models import AccessApplication

register = template.Library()


@register.inclusion_tag("access/includes/apply_block.html", takes_context=True)
def dataset_access(context, dataset):
    """For a published conditional dataset: the caller's enterprises' application and grant, or the apply button."""
    user = context["request"].user
    shown = needs_application(dataset)
    if not (shown and user.is_authenticated):
        return {"shown": shown, "dataset": dataset}
    enterprise_ids = list(enterprises_of(user).values_list("pk", flat=True))
    return {
        "shown": True,
        "dataset": dataset,
        "signed_in": True,
        "can_apply": services.applicable_enterprises(user).exists(),
        "open_application": AccessApplication.objects.filter(
            enterprise_id__in=enterprise_ids, dataset=dataset, status=AccessApplication.Status.SUBMITTED
        ).first(),
        "grant": selectors.active_grants().filter(enterprise_id__in=enterprise_ids, dataset=dataset).first(),
    }


@register.inclusion_tag("access/includes/use_results.html")
def dataset_use_results(dataset):
    return {"reports": selectors.use_results(dataset)[:10]}
