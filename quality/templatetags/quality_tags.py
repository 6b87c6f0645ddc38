"""`{% resource_quality resource publisher %}`: a file resource's quality report on its dataset's page.

Everyone who sees the resource gets the summary; `publisher` (the page's "may edit") adds the
details and the masking button. Examples and personal-data counts never reach anyone else.
"""
from django import template

from .. import selectors
from ..models import QualityReport

register = template.Library()


@register.inclusion_tag("quality/includes/resource_quality.html", takes_context=True)
def resource_quality(context, resource, publisher=False):
    report = selectors.report_of(resource.current_version)  # fetched with the resource (datasets.selectors)
    if report is None:
        return {"report": None}
    dataset = resource.dataset
    return {
        "report": report, "resource": resource, "summary": selectors.summary(report, dataset),
        "details": selectors.details(report) if publisher else None,
        "maskable": publisher and report.status == QualityReport.Status.DONE and bool(report.personal_data),
        "csrf_token": context.get("csrf_token"),
    }
