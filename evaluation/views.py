"""The evaluation pages: the dashboard, one organization's page, the exports; public, or the staff view.

Thin over evaluation.selectors: every figure comes from a snapshot. The public
view shows only the public part of each snapshot (figures counting what
outsiders may know exists); the staff view, for platform staff only, the other.
"""
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.http_errors import refusal

from . import exports, presentation, scoring, selectors, services
from .facts import PUBLIC, STAFF
from .indicators import LAYERS, READINESS_NOTE


def _month(request):
    """(month, months with a snapshot), or a 400 answer naming `month`."""
    taken = selectors.months_taken()
    try:
        return selectors.chosen_month(request.GET.get("month"), taken), taken, None
    except ValueError as error:
        return None, taken, refusal(request, 400, "invalid", str(error), field="month")


def _common(audience, month, taken):
    staff = audience == STAFF
    return {"audience": audience, "is_staff_view": staff, "month": month, "months": taken,
            "rule": scoring.rule(), "readiness_note": READINESS_NOTE, "layers": list(LAYERS.items()),
            "dashboard_url": "evaluation-staff" if staff else "evaluation",
            "organization_url": "evaluation-staff-organization" if staff else "evaluation-organization",
            "export_url": "evaluation-staff-export" if staff else "evaluation-export"}


def dashboard(request, audience=PUBLIC):
    month, taken, refused = _month(request)
    if refused:
        return refused
    board = selectors.board(month, audience)
    context = {**_common(audience, month, taken), "board": board}
    if board.exists:
        labels = presentation.Labels()
        top = selectors.chart_rows(board)
        history = selectors.history(audience)
        context.update({
            "sections": presentation.layer_sections(audience, board.platform, labels),
            "ranking": selectors.ranking_page(board, request.GET.get("page")),
            "top": top, "history": history,
            "charts": {"radar": presentation.radar([(presentation.organization_name(None), board.platform)]),
                       "bars": presentation.bars(top), "trend": presentation.trend(history)},
        })
    return render(request, "evaluation/dashboard.html", context)


def organization(request, slug, audience=PUBLIC):
    department = get_object_or_404(services.evaluated_organizations(), slug=slug)
    month, taken, refused = _month(request)
    if refused:
        return refused
    board = selectors.board(month, audience)
    history = selectors.history(audience, department)
    rows = selectors.organization_rows(board, [department.pk]) if board.exists else []
    figures = rows[0][1] if rows else None
    context = {**_common(audience, month, taken), "board": board, "organization": department,
               "figures": figures, "history": history}
    if board.exists and figures is not None:
        labels = presentation.Labels()
        context.update({
            "sections": presentation.layer_sections(audience, figures, labels, platform=board.platform),
            "ranked": len(board.ranking),
            "charts": {"radar": presentation.radar([(department.name, figures),
                                                    (presentation.organization_name(None), board.platform)]),
                       "trend": presentation.trend(history)},
        })
    return render(request, "evaluation/organization.html", context)


def export(request, fmt, audience=PUBLIC):
    if fmt not in exports.FORMATS:
        raise Http404("unknown export format")
    month, _taken, refused = _month(request)
    if refused:
        return refused
    board = selectors.board(month, audience)
    if not board.exists:
        raise Http404("no snapshot")
    return exports.response(board, fmt)
