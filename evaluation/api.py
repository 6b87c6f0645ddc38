"""Evaluation API v1 (/api/v1/evaluation/): months, the platform's and each organization's figures, the
indicators' definitions. Read from the snapshots, as the pages are; `audience=staff` is for platform staff."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import documented_errors
from core.query_params import refuse_repeated_or_empty
from organizations.roles import is_platform_staff

from . import months, scoring, selectors, services
from .facts import AUDIENCES, PUBLIC, STAFF
from .indicators import LAYERS, READINESS_NOTE, for_audience
from .serializers import EvaluationSerializer, OrganizationFiguresSerializer, OrganizationHistorySerializer

MONTH = OpenApiParameter("month", OpenApiTypes.STR, pattern=r"^\d{4}-\d{2}$", description=(
    "YYYY-MM (default: the newest month with a snapshot). A month without one answers with null figures; "
    "a malformed one is a 400 naming `month`."))
AUDIENCE = OpenApiParameter("audience", OpenApiTypes.STR, enum=list(AUDIENCES), description=(
    "public (default): figures counting only what anyone may know exists; staff: every dataset, "
    "drafts and restricted ones included (platform staff only, 403 otherwise)."))


def _audience(request):
    refuse_repeated_or_empty(request.query_params, single=("month", "audience"), non_empty=("month", "audience"))
    audience = request.query_params.get("audience", PUBLIC)
    if audience not in AUDIENCES:
        raise ValidationError({"audience": [_("应为 public 或 staff。")]})
    if audience == STAFF and not is_platform_staff(request.user):
        raise PermissionDenied(_("只有平台管理员可以查看工作人员视图。"))
    return audience


def _board(request):
    audience = _audience(request)
    taken = selectors.months_taken()
    try:
        month = selectors.chosen_month(request.query_params.get("month"), taken)
    except ValueError as error:
        raise ValidationError({"month": [str(error)]}) from None
    return selectors.board(month, audience), taken


def _figures(figures):
    return {name: figures.get(name) for name in ("values", "scores", "layers", "score", "rank")}


class EvaluationView(APIView):
    @extend_schema(summary="The evaluation of one month: the platform's figures, the months, the indicators",
                   parameters=[MONTH, AUDIENCE], responses={200: EvaluationSerializer})
    def get(self, request):
        board, taken = _board(request)
        indicators = [{**vars(item), "is_public": item.is_public, "unit_label": item.unit_label}
                      for item in for_audience(board.audience)]
        return Response(EvaluationSerializer({
            "month": months.label(board.month), "audience": board.audience, "taken": board.taken,
            "months": [{"month": months.label(month), "taken": at} for month, at in taken],
            "platform": _figures(board.platform) if board.exists else None, "organizations": len(board.order),
            "indicators": indicators,
            "layers": [{"code": code, "label": label, "weight": scoring.LAYER_WEIGHTS[code]}
                       for code, label in LAYERS.items()],
            "ranking_rule": scoring.rule(), "readiness": READINESS_NOTE,
        }).data)


class OrganizationFiguresView(ListAPIView):
    serializer_class = OrganizationFiguresSerializer
    filter_backends = []

    @extend_schema(summary="Each organization's figures in one month, best ranked first (unranked ones last)",
                   parameters=[MONTH, AUDIENCE])
    def get(self, request):
        board, _taken = _board(request)
        page = self.paginate_queryset(board.order)
        rows = [{**_figures(figures), "organization": organization}
                for organization, figures in selectors.organization_rows(board, page)]
        return self.get_paginated_response(OrganizationFiguresSerializer(rows, many=True).data)


class OrganizationHistoryView(APIView):
    @extend_schema(summary="One organization's figures month by month", parameters=[AUDIENCE],
                   responses={200: OrganizationHistorySerializer, **documented_errors("404")})
    def get(self, request, slug):
        audience = _audience(request)
        organization = get_object_or_404(services.evaluated_organizations(), slug=slug)
        history = [{**row, "month": months.label(row["month"])} for row in selectors.history(audience, organization)]
        return Response(OrganizationHistorySerializer(
            {"organization": organization, "audience": audience, "months": history}).data)
