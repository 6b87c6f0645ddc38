"""API v1 for managing one's keys and reading usage, at /api/v1/keys/.

Signed-in people only (session or token): a key cannot mint, rotate or
revoke keys (`required_scopes = None`, see apikeys.permissions).
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations.models import Organization

from . import selectors, services
from .serializers import (
    ApiKeySerializer,
    IssuedKeySerializer,
    KeyCreateSerializer,
    KeyRotateSerializer,
    UsageSerializer,
)

ERRORS = OpenApiResponse(description="{error: {status, code, message, fields}}")
DAYS = OpenApiParameter("days", OpenApiTypes.INT, description="Days back, today included (1-366, default 30).")
EVERYONE = OpenApiParameter("everyone", OpenApiTypes.BOOL,
                            description="Staff only: everyone's usage instead of one's own.")


def days_parameter(request, default=30):
    raw = request.query_params.get("days", default)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= selectors.MAX_DAYS:
        raise ValidationError({"days": [_("应为 1 到 %(n)d 之间的整数。") % {"n": selectors.MAX_DAYS}]})
    return days


def issued(key, token):
    key.token = token
    return Response(IssuedKeySerializer(key).data, status=status.HTTP_201_CREATED)


class ApiKeyViewSet(viewsets.GenericViewSet):
    serializer_class = ApiKeySerializer
    permission_classes = [IsAuthenticated]
    required_scopes = None
    pagination_class = None
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.usage_keys(self.request.user, everyone=True)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(summary="Your keys and your enterprises' keys", responses={200: ApiKeySerializer(many=True)})
    def list(self, request):
        return Response(ApiKeySerializer(services.keys_for(request.user), many=True).data)

    @extend_schema(summary="One key", responses={200: ApiKeySerializer, 404: ERRORS})
    def retrieve(self, request, pk):
        return Response(ApiKeySerializer(self.get_object()).data)

    @extend_schema(summary="Issue a key; the answer holds its secret token, shown this once",
                   request=KeyCreateSerializer, responses={201: IssuedKeySerializer, 400: ERRORS, 403: ERRORS})
    def create(self, request):
        serializer = KeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("organization")
        if slug:
            data["organization"] = Organization.objects.filter(slug=slug).first()
            if data["organization"] is None:
                raise ValidationError({"organization": [_("没有这个组织：%(slug)s。") % {"slug": slug}]})
        return issued(*services.issue_key(user=request.user, **data))

    @extend_schema(summary="Revoke a key at once", request=None,
                   responses={200: ApiKeySerializer, 403: ERRORS, 404: ERRORS, 409: ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk):
        return Response(ApiKeySerializer(services.revoke_key(user=request.user, key=self.get_object())).data)

    @extend_schema(summary="Rotate a key: a new key now, the old one works for grace_hours more",
                   request=KeyRotateSerializer,
                   responses={201: IssuedKeySerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS})
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk):
        serializer = KeyRotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return issued(*services.rotate_key(user=request.user, key=self.get_object(), **serializer.validated_data))

    @extend_schema(summary="Calls by day, endpoint and status, and today's remaining quota",
                   parameters=[DAYS, EVERYONE], responses={200: UsageSerializer, 400: ERRORS})
    @action(detail=False, methods=["get"])
    def usage(self, request):
        everyone = request.query_params.get("everyone") in ("1", "true")
        keys = selectors.usage_keys(request.user, everyone=everyone)
        return Response(UsageSerializer(selectors.usage_report(keys, days_parameter(request))).data)
