"""Quality on catalog pages.

`{% resource_quality resource publisher %}`: a file resource's quality report. Everyone who sees the
resource gets the summary; `publisher` (the page's "may edit") adds the details and the masking button.
Examples and personal-data counts never reach anyone else.
`{% metadata_score_badge dataset %}` (lists, search results, the dataset page), `{% metadata_score_card dataset %}`
(each criterion, for the dataset's publishers and staff) and `{% link_check_status resource %}` (the last link
check, for the publishers).
"""
from django import template

from organizations.roles import is_publisher

from .. import selectors
from ..metadata_score import LOW_SCORE, current_link_check, score_card
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
def score_level(score):
    """good (80 and up), fair, or low (below LOW_SCORE: needs attention)."""
    return "good" if score >= 80 else "fair" if score >= LOW_SCORE else "low"


@register.inclusion_tag("quality/includes/score_badge.html")
def metadata_score_badge(dataset):
    """For a Dataset or a search result summary: its stored score; nothing before it is computed."""
    score = dataset.metadata_score
    return {"score": score, "level": score_level(score) if score is not None else ""}


@register.inclusion_tag("quality/includes/score_card.html", takes_context=True)
def metadata_score_card(context, dataset):
    if not is_publisher(context["request"].user, dataset.organization):
        return {"card": None}
    card = score_card(dataset)
    return {"card": card, "level": score_level(card["score"]), "low_score": LOW_SCORE,
            "failed": [row for row in card["criteria"] if not row["passed"]]}


@register.inclusion_tag("quality/includes/link_check.html")
def link_check_status(resource):
    return {"check": current_link_check(resource) if resource.kind == resource.Kind.URL else None}
