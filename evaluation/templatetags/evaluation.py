"""Template filters of the evaluation pages: a figure as shown (or "no data")."""
from django import template

from evaluation import presentation

register = template.Library()


@register.filter
def figure(value):
    """A number (score, count) with its digit grouping, or "no data"."""
    return presentation.score_text(value)
