"""`{% jsonld "dataset" dataset %}`: the page's JSON-LD (datasets.structured_data), each in its script block."""
import json

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from datasets.structured_data import structured_data

register = template.Library()

# As django's json_script: no "</script>" or "<!--" can close the block, whatever the data says.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(document):
    return mark_safe(json.dumps(document, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


@register.simple_tag(takes_context=True)
def jsonld(context, page, subject=None):
    documents = structured_data(page, context["request"], subject)
    return format_html_join("", '<script type="application/ld+json">{}</script>',
                            ((script_json(document),) for document in documents))
