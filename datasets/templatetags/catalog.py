"""Template helpers for catalog pages: sanitized Markdown, grade badges, resource formats."""
from django import template
from django.urls import translate_url

from core.markdown import render_markdown
from datasets.models import Activity, Dataset, OpenGrade, Resource
from datasets.presentation import GRADE_EXPLANATIONS

register = template.Library()


@register.filter
def markdown(text):
    """Markdown to HTML that is safe to show to anyone (core.markdown)."""
    return render_markdown(text)


@register.inclusion_tag("portal/includes/grade_badge.html")
def grade_badge(dataset):
    """For a Dataset or anything with its `open_grade` (a search result summary)."""
    return {"grade": dataset.open_grade, "label": OpenGrade(dataset.open_grade).label}


@register.filter
def grade_explanation(grade):
    return GRADE_EXPLANATIONS.get(grade, "")


@register.filter
def resource_formats(dataset):
    """Distinct formats of a dataset's resources, read from the prefetched list (no query)."""
    formats = []
    for resource in dataset.resources.all():
        if resource.format and resource.format not in formats:
            formats.append(resource.format)
    return formats


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """This page's address in another language, for the language switcher's `next`."""
    return translate_url(context["request"].get_full_path(), language)


# URL name -> navigation section, so the header marks where the visitor is.
NAV_SECTIONS = {
    "home": "home",
    "dataset-list": "datasets", "dataset-detail": "datasets",
    "organization-list": "organizations", "organization-detail": "organizations",
    "theme-list": "themes", "theme-detail": "themes",
    "my-datasets": "publish", "dataset-create": "publish", "dataset-edit": "publish",
    "dataset-delete": "publish", "resource-create": "publish", "resource-edit": "publish",
    "resource-replace": "publish", "resource-delete": "publish",
}


@register.simple_tag(takes_context=True)
def nav_section(context):
    match = getattr(context.get("request"), "resolver_match", None)
    return NAV_SECTIONS.get(getattr(match, "url_name", None), "")


@register.filter
def changed_fields(entry):
    """The names of the fields an activity changed, as people read them rather than as stored."""
    model = Resource if entry.object_type == Activity.ObjectType.RESOURCE else Dataset
    labels = {field.name: field.verbose_name for field in model._meta.get_fields() if hasattr(field, "verbose_name")}
    return [str(labels.get(name, name)) for name in entry.changes]
