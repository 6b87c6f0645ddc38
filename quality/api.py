"""Quality API v1: a dataset's metadata score card, for its publishers and platform staff.

The score itself is public (`metadata_score` in every dataset list); the card says what to fix, for the
people who can fix it. A dataset the caller may not see answers 404, a caller who may not edit it 403.
"""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import documented_errors
from datasets import selectors
from datasets.grading import viewer_for
from organizations.refusals import not_a_publisher
from organizations.roles import is_publisher

from .metadata_score import LOW_SCORE, score_card
from .serializers import ScoreCardSerializer


class ScoreCardView(APIView):
    @extend_schema(
        summary="A dataset's metadata quality score card: each criterion, its weight, passed, how to fix it",
        parameters=[OpenApiParameter("identifier", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="Dataset identifier; may contain / : . _ -")],
        responses={200: ScoreCardSerializer, **documented_errors(403, 404)},
    )
    def get(self, request, identifier):
        dataset = selectors.dataset_for(viewer_for(request), identifier)
        if not is_publisher(request.user, dataset.organization):
            raise not_a_publisher(_("只有本单位的发布者和平台管理员可以查看元数据质量详情。"))
        card = score_card(dataset)
        return Response(ScoreCardSerializer({
            "identifier": dataset.identifier, "low_score": LOW_SCORE, "needs_attention": card["score"] < LOW_SCORE,
            **card}).data)
