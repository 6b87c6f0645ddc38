"""Markdown written by publishers and staff, as HTML that is safe to show to anyone.

Raw HTML in it is allowed through Markdown, then nh3 keeps only harmless tags and
attributes (no scripts, handlers, javascript: links).
"""
import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_converters = threading.local()


def _converter():
    """This thread's Markdown converter: building one (its extensions and patterns) cost more than
    converting a catalog list's summaries with it, and one instance is not safe across threads."""
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = markdown_lib.Markdown(
            extensions=["extra", "sane_lists"], output_format="html")
    return converter


def render_markdown(text):
    html = _converter().reset().convert(text or "")
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitized it
