"""A month's figures as CSV or XLSX: the platform's row, then one row per organization in ranking order.

The same numbers as the page (read from the snapshot), one column per indicator
(a breakdown by grade or theme gives one column per grade or theme). Numbers
stay numbers; "no data" and "not available" are written out, never 0. Text
cells are defused against formula injection (core.spreadsheets).
"""
import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.spreadsheets import safe_cell
from datasets.models import OpenGrade, Theme

from . import months, presentation, selectors
from .facts import STAFF
from .indicators import LAYERS, for_audience

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _columns(board, rows):
    """[(header, indicator, breakdown key or None)], one per column after the scores."""
    grades = [OpenGrade.OPEN, OpenGrade.CONDITIONAL] + ([OpenGrade.RESTRICTED] if board.audience == STAFF else [])
    used = {code for _entity, figures in rows for code in (figures.get("values", {}).get("datasets_by_theme") or {})}
    grade_keys = [(str(grade), grade.label) for grade in grades]
    theme_keys = [(theme.code, theme.name) for theme in Theme.objects.filter(parent__isnull=True) if theme.code in used]
    breakdowns = {"datasets_by_grade": grade_keys, "grade_shares": grade_keys, "datasets_by_theme": theme_keys}
    columns = []
    for item in for_audience(board.audience):
        title = _("%(label)s（%(unit)s）") % {"label": item.label, "unit": item.unit_label}
        if item.code in breakdowns:
            columns += [(f"{title} {name}", item, key) for key, name in breakdowns[item.code]]
        else:
            columns.append((title, item, None))
    return columns


def _cell(item, key, values, organization):
    if not item.available:
        return presentation.not_available()
    if organization and not item.per_organization:
        return presentation.platform_only()
    value = values.get(item.code)
    if key is not None and value is not None:
        value = value.get(key, 0)
    return presentation.no_data() if value is None else value


def table(board):
    """The header and the rows (lists of cells) of the board's month."""
    rows = [(None, board.platform), *selectors.organization_rows(board, board.order)]
    columns = _columns(board, rows)
    header = [_("月份"), _("组织标识"), _("组织"), _("名次"), _("综合得分"),
              *[_("%(layer)s得分") % {"layer": label} for label in LAYERS.values()],
              *[title for title, _item, _key in columns]]
    body = []
    for organization, figures in rows:
        layers = figures.get("layers", {})
        score = figures.get("score")
        body.append([
            months.label(board.month), organization.slug if organization else "",
            presentation.organization_name(organization),
            figures.get("rank") or "", presentation.no_data() if score is None else score,
            *[presentation.no_data() if layers.get(layer) is None else layers[layer] for layer in LAYERS],
            *[_cell(item, key, figures.get("values", {}), organization is not None) for _title, item, key in columns],
        ])
    return header, body


def _text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value)) if isinstance(value, str) else value


def response(board, fmt):
    header, body = table(board)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(cell) for cell in header])
        writer.writerows([[safe_cell(cell) if isinstance(cell, str) else cell for cell in row] for row in body])
        content = ("\ufeff" + buffer.getvalue()).encode()  # the BOM makes spreadsheets read UTF-8
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(months.label(board.month))
        for row in [header, *body]:
            sheet.append([_text(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    answer = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"evaluation-{months.label(board.month)}{'-staff' if board.audience == STAFF else ''}.{fmt}"
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
