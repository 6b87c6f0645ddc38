"""Page components shared by every app's templates: the data table frame, the upload progress bar and
text in its own language."""
from django import template
from django.conf import settings
from django.utils.html import format_html

from core.localization import label_language

register = template.Library()

# The size limits an upload form may name, each the setting its service enforces.
UPLOAD_LIMITS = ("RESOURCE_MAX_UPLOAD_BYTES", "CONTRIBUTION_MAX_UPLOAD_BYTES", "ENTERPRISE_LICENCE_MAX_BYTES")


@register.filter
def in_its_language(text):
    """Text people typed (a key's name, a query), marked Chinese when an English page shows it in Han
    characters (core.localization.label_language)."""
    language = label_language(text)
    return format_html('<span lang="{}">{}</span>', language, text) if language else text


@register.simple_block_tag
def data_table(content, table_id=""):
    """{% data_table %}<thead>…</thead><tbody>…</tbody>{% enddata_table %}: one frame for every data table
    (a box that scrolls sideways on narrow screens, one style), so columns and action cells line up alike."""
    return format_html('<div class="table-wrap"><table class="data-table"{}>{}</table></div>',
                       format_html(' id="{}"', table_id) if table_id else "", content)


@register.simple_block_tag
def row_actions(content):
    """{% row_actions %}links and buttons{% endrow_actions %}: the last cell of a row, its actions in one line."""
    return format_html('<td class="row-actions"><div class="row-actions-list">{}</div></td>', content)


@register.inclusion_tag("core/upload_progress.html")
def upload_progress(limit_setting):
    """The progress bar of a form's file upload and its size limit (a setting named in UPLOAD_LIMITS)."""
    if limit_setting not in UPLOAD_LIMITS:
        raise template.TemplateSyntaxError(f"upload_progress: unknown limit {limit_setting}")
    return {"limit": getattr(settings, limit_setting)}
