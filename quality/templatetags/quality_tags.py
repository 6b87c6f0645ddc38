"""The metadata score on catalog pages: `{% metadata_score_badge dataset %}` (lists, search results, the dataset
page), `{% metadata_score_card dataset %}` (each criterion, for the dataset's publishers and staff) and
`{% link_check_status resource %}` (the last link check, for the publishers)."""
from django import template

from organizations.roles import is_publisher

from ..metadata_score import LOW_SCORE, current_link_check, score_card

register = template.Library()


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
