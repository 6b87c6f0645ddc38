"""Quality API v1: a resource version's quality report, asking the platform to mask its personal data, and a
dataset's metadata score card.

Thin views: datasets.selectors applies the grade rules (404 for a resource or dataset the caller may
not see), quality.selectors what of the report the caller may read, quality.services the masking.
The score itself is public (`metadata_score` in every dataset list); the card says what to fix, for the
people who can fix it (others get 403). An organization's attention list follows the page's rules
(quality.attention: 404 for no such department, 403 for anyone else); signed-in people only, API keys
are refused (they act for enterprises).
"""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import DomainError, PageNotFound, documented_errors
from core.pagination import PortalPagination, positive_int
from core.query_params import refuse_repeated_or_empty
from datasets import selectors as catalog
from datasets.grading import viewer_for
from datasets.serializers import OrganizationRefSerializer
from organizations.refusals import not_a_publisher
from organizations.roles import is_publisher

from . import attention, selectors
from .metadata_score import LOW_SCORE, score_card
from .serializers import (
    AttentionPageSerializer,
    AttentionSerializer,
    MaskResultSerializer,
    QualityReportSerializer,
    ScoreCardSerializer,
)
from .services.masking import mask_personal_data

RESOURCE_ID = OpenApiParameter("resource_id", OpenApiTypes.INT, OpenApiParameter.PATH)
VERSION = OpenApiParameter("version", OpenApiTypes.INT, description="A version number (default: the current one).")


def _version(resource, request):
    number = positive_int(request.query_params, "version", None)
    if number is None:
        return resource.current_version
    version = resource.versions.filter(number=number).first()
    if version is None:
        raise PageNotFound(_("该资源没有第 %(n)s 版。") % {"n": number}, field="version")
    return version


class ResourceQualityView(APIView):
    @extend_schema(summary="The quality report of a file resource's version: a summary, with details for its "
                           "publishers", parameters=[RESOURCE_ID, VERSION],
                   responses={200: QualityReportSerializer, **documented_errors(400, 404)})
    def get(self, request, resource_id):
        resource = catalog.resource_for(viewer_for(request), resource_id)
        report = selectors.report_of(_version(resource, request))
        if report is None:
            raise PageNotFound(_("该资源还没有质量报告。"), field="resource")
        return Response(selectors.report_for(request.user, resource.dataset, report))


class ResourceMaskView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Mask the personal data the current version's report found: a new version",
                   parameters=[RESOURCE_ID], request=None,
                   responses={201: MaskResultSerializer, **documented_errors(401, 403, 404, 409)})
    def post(self, request, resource_id):
        resource = catalog.resource_for(viewer_for(request), resource_id)
        before = selectors.report_of(resource.current_version)
        resource = mask_personal_data(user=request.user, resource=resource)  # refused unless `before` found some
        report = selectors.report_of(resource.current_version)
        return Response({
            "resource": resource.pk, "version": resource.current_version.number,
            "masked_columns": sorted(before.personal_data),
            "quality": report and selectors.report_for(request.user, resource.dataset, report),
        }, status=status.HTTP_201_CREATED)


class ScoreCardView(APIView):
    @extend_schema(
        summary="A dataset's metadata quality score card: each criterion, its weight, passed, how to fix it",
        parameters=[OpenApiParameter("identifier", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="Dataset identifier; may contain / : . _ -")],
        responses={200: ScoreCardSerializer, **documented_errors(403, 404)},
    )
    def get(self, request, identifier):
        dataset = catalog.dataset_for(viewer_for(request), identifier)
        if not is_publisher(request.user, dataset.organization):
            raise not_a_publisher(_("只有本单位的发布者和平台管理员可以查看元数据质量详情。"))
        card = score_card(dataset)
        return Response(ScoreCardSerializer({
            "identifier": dataset.identifier, "low_score": LOW_SCORE, "needs_attention": card["score"] < LOW_SCORE,
            **card}).data)


ATTENTION_PARAMETERS = [
    OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Organization slug."),
    OpenApiParameter("reason", OpenApiTypes.STR, enum=attention.Reason.values,
                     description="Only the datasets with this reason (400 for another value)."),
    OpenApiParameter("page", OpenApiTypes.INT, description=PortalPagination.page_query_description),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=PortalPagination.page_size_query_description),
]


class OrganizationAttentionView(APIView):
    permission_classes = [IsAuthenticated]
    required_scopes = None

    @extend_schema(
        summary="Datasets of an organization needing attention",
        description="Overdue first, then due soon, then low metadata score, failed quality report, "
                    "personal data held, broken link; each with where to fix it.",
        parameters=ATTENTION_PARAMETERS, responses={200: AttentionPageSerializer, **documented_errors(401, 404)},
    )
    def get(self, request, slug):
        organization = attention.attended_organization(request.user, slug)
        refuse_repeated_or_empty(request.query_params, single=["reason"], non_empty=["reason"])
        reason = request.query_params.get("reason")
        if reason is not None and reason not in attention.Reason.values:
            raise DomainError(_("未知的原因：%(reason)s。") % {"reason": reason}, field="reason")
        rows = attention.attention_for(request.user, organization)
        pagination = PortalPagination()
        page = pagination.paginate_queryset(attention.with_reason(rows, reason), request, view=self)
        response = pagination.get_paginated_response(
            AttentionSerializer(page, many=True, context={"request": request}).data)
        response.data = {"organization": OrganizationRefSerializer(organization).data, "total": len(rows),
                         "counts": attention.counts(rows), **response.data}
        return response
