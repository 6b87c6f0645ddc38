"""Template helpers for catalog pages: sanitized Markdown, bilingual metadata, grade badges, resource formats."""
from django import template
from django.template.defaultfilters import striptags, truncatechars
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.localization import CHINESE, localized_text
from core.markdown import render_markdown
from datasets.models import Activity, Dataset, OpenGrade, Resource
from datasets.presentation import GRADE_EXPLANATIONS

register = template.Library()


@register.filter
def markdown(text):
    """Markdown to HTML that is safe to show to anyone (core.markdown)."""
    return render_markdown(text)


# --- bilingual metadata (core.localization) ---------------------------------------
# Text shown in the other language than the page's (English missing → Chinese) carries its `lang`
# and a visible note, so readers and tools know it is not a translation the page forgot.

HTML_LANGUAGES = {CHINESE: "zh-Hans", "en": "en"}
SUMMARY_CHARS = 150


def _joined(localized):
    text = localized.text
    if isinstance(text, list):
        return ("、" if localized.language == CHINESE else ", ").join(text)
    return text or ""


def _language_note(localized):
    return _("（中文）") if localized.language == CHINESE else _("（英文）")


def _inline(localized, html):
    if not localized.fallback:
        return html
    return format_html('<span lang="{}">{}</span> <small class="language-note">{}</small>',
                       HTML_LANGUAGES[localized.language], html, _language_note(localized))


@register.filter
def shown(obj, field):
    """A dataset's, resource's, organization's or theme's `field` in the page's language, else in the
    other one, marked as such: `{{ dataset|shown:"title" }}` (lists such as keywords are joined)."""
    localized = localized_text(obj, field)
    return _inline(localized, format_html("{}", _joined(localized)))


@register.filter
def shown_highlighted(result, field):
    """A search result's `field` with the engine's <mark>s (escaped by search.summaries, which keeps them
    only for a field shown in Chinese), marked like `shown`; without a highlight, `shown`."""
    highlight = result.highlights.get(field)
    if not highlight:
        return shown(result, field)
    return _inline(localized_text(result, field), mark_safe(highlight))  # noqa: S308 - escaped but for <mark>


@register.filter
def shown_text(obj, field):
    """The same text unmarked, for where no HTML goes (the page title, hidden labels)."""
    return _joined(localized_text(obj, field))


@register.filter
def shown_summary(obj, field):
    """The first characters of a Markdown `field` as plain text, marked like `shown`."""
    localized = localized_text(obj, field)
    summary = truncatechars(striptags(markdown(localized.text)), SUMMARY_CHARS)
    return _inline(localized, format_html("{}", summary)) if summary else ""


@register.filter
def shown_markdown(obj, field):
    """A Markdown `field` as safe HTML, marked like `shown` (the note after the block)."""
    localized = localized_text(obj, field)
    html = markdown(localized.text)
    if not localized.fallback:
        return html
    return format_html('<div lang="{}">{}</div><p class="language-note">{}</p>',
                       HTML_LANGUAGES[localized.language], html, _language_note(localized))


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
    "harvest-sources": "harvest", "harvest-source-new": "harvest", "harvest-source-detail": "harvest",
    "harvest-source-edit": "harvest", "harvest-job-detail": "harvest",
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
