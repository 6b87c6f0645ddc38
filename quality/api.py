"""Quality API v1: an organization's attention list, for its publishers and platform staff.

The same rules as the page (quality.attention decides who may read it: 404 for no such department,
403 for anyone else); signed-in people only, API keys are refused (they act for enterprises).
"""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from core.exceptions import DomainError, documented_errors
from core.pagination import PortalPagination
from core.query_params import refuse_repeated_or_empty
from datasets.serializers import OrganizationRefSerializer

from . import attention
from .serializers import AttentionPageSerializer, AttentionSerializer

PARAMETERS = [
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
        parameters=PARAMETERS, responses={200: AttentionPageSerializer, **documented_errors(401, 404)},
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
