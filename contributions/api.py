"""Contributions API v1: enterprises submit and follow; reviewers of the target department decide.

Thin adapters: what a caller may see comes from contributions.selectors (an
object outside it is 404), every step goes through contributions.services.
Writes accept a session or an API key with the `contributions:write` scope;
with a key, the enterprise is always the key's own.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apikeys.models import ApiKey, Scope
from core.exceptions import documented_errors
from core.parsers import UploadNameMultiPartParser
from organizations.models import Organization

from . import selectors
from .models import Kind, Status, ValidationResult
from .serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    ContributionApproveSerializer,
    ContributionCreateSerializer,
    ContributionDetailSerializer,
    ContributionReasonSerializer,
    ContributionSerializer,
    ContributionUpdateSerializer,
    RequestChangesSerializer,
    SubmitSerializer,
)
from .services import comments, drafting, reviewing, submission

UPLOAD_PARSERS = [JSONParser, FormParser, UploadNameMultiPartParser]
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
LIST_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
]
QUEUE_FILTERS = [
    *LIST_FILTERS,
    OpenApiParameter("enterprise", OpenApiTypes.STR, description="Enterprise slug"),
    OpenApiParameter("validation", OpenApiTypes.STR, enum=ValidationResult.values),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(selectors.SORTS)),
]



def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.provided()


def _choice(params, name, choices):
    value = params.get(name, "")
    if value and value not in choices:
        raise ValidationError({name: [_("可选值：%(values)s。") % {"values": ", ".join(choices)}]})
    return value


@extend_schema_view(
    list=extend_schema(summary="Contributions the caller may see (own enterprises', or to review)",
                       parameters=LIST_FILTERS, responses={200: ContributionSerializer, **documented_errors(400, 401)}),
    retrieve=extend_schema(summary="One contribution with its validation report, history and discussion",
                           parameters=[ID], responses={200: ContributionDetailSerializer, **documented_errors(401, 404)}),
)
class ContributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ContributionSerializer
    filter_backends = []
    # Reading needs no special scope; every write here is an act of contributing.
    required_scopes = (Scope.CONTRIBUTIONS_WRITE, Scope.CATALOG_READ)

    def get_serializer_class(self):
        return ContributionDetailSerializer if self.action != "list" else ContributionSerializer

    def get_queryset(self):
        queryset = selectors.contributions_for(self.request.user)
        params = self.request.query_params
        if self.action == "list":
            for name, choices in (("status", Status.values), ("kind", Kind.values)):
                value = _choice(params, name, choices)
                if value:
                    queryset = queryset.filter(**{name: value})
        return queryset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None and request.method not in ("GET", "HEAD", "OPTIONS") \
                and not key.has_scope(Scope.CONTRIBUTIONS_WRITE):
            raise PermissionDenied(_("此密钥缺少所需的权限范围：%(scopes)s。") % {"scopes": Scope.CONTRIBUTIONS_WRITE},
                                   code="scope_missing")

    def _respond(self, contribution, status_code=status.HTTP_200_OK):
        contribution = selectors.contributions_for(self.request.user).get(pk=contribution.pk)
        return Response(ContributionDetailSerializer(contribution).data, status=status_code)

    def _enterprise(self, request, slug):
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None:
            if key.organization is None:
                raise ValidationError({"enterprise": [_("个人密钥不能提交数据贡献。")]})
            return key.organization
        enterprise = Organization.objects.filter(slug=slug or "", kind=Organization.Kind.ENTERPRISE).first()
        if enterprise is None:
            raise ValidationError({"enterprise": [_("没有这个企业。")]})
        return enterprise

    @extend_schema(summary="Submit a contribution (multipart with a file, or JSON for a correction)",
                   request={"multipart/form-data": ContributionCreateSerializer,
                            "application/json": ContributionCreateSerializer},
                   responses={201: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409, 413)})
    def create(self, request):
        data = _valid(ContributionCreateSerializer, request)
        enterprise = self._enterprise(request, data.get("enterprise"))
        target = {name: data.get(name) for name in ("organization", "dataset", "resource")}
        contribution = drafting.create(
            user=request.user, enterprise=enterprise, kind=data["kind"], target=target,
            metadata=data.get("metadata"), uploaded=data.get("file"), message=data.get("message") or "",
            sha256=data.get("sha256") or "", submit=data.get("submit", False),
        )
        return self._respond(contribution, status.HTTP_201_CREATED)

    @extend_schema(summary="Edit a draft or a contribution that needs changes", parameters=[ID],
                   request={"multipart/form-data": ContributionUpdateSerializer,
                            "application/json": ContributionUpdateSerializer},
                   responses={200: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409, 413)})
    def partial_update(self, request, pk):
        contribution = self.get_object()
        data = _valid(ContributionUpdateSerializer, request)
        drafting.update(user=request.user, contribution=contribution, metadata=data.get("metadata"),
                        uploaded=data.get("file"), message=data.get("message"), sha256=data.get("sha256") or "")
        return self._respond(contribution)

    def get_parsers(self):
        if getattr(self, "action", None) in ("create", "partial_update") or self.request is None:
            return [parser() for parser in UPLOAD_PARSERS]
        return super().get_parsers()

    @extend_schema(summary="Submit a draft, or resubmit after changes", request=SubmitSerializer, parameters=[ID],
                   responses={200: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk):
        contribution = self.get_object()
        data = _valid(SubmitSerializer, request)
        return self._respond(submission.submit(user=request.user, contribution=contribution,
                                             comment=data.get("comment") or ""))

    @extend_schema(summary="Withdraw (the contributing enterprise)", request=SubmitSerializer, parameters=[ID],
                   responses={200: ContributionDetailSerializer, **documented_errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk):
        contribution = self.get_object()
        data = _valid(SubmitSerializer, request)
        return self._respond(submission.withdraw(user=request.user, contribution=contribution,
                                               comment=data.get("comment") or ""))

    @extend_schema(summary="Approve and merge into the catalog (reviewers of the target department)",
                   request=ContributionApproveSerializer, parameters=[ID],
                   responses={200: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        contribution = self.get_object()
        data = _valid(ContributionApproveSerializer, request)
        return self._respond(reviewing.approve(user=request.user, contribution=contribution, **data))

    @extend_schema(summary="Ask the contributor for changes, with comments per field", request=RequestChangesSerializer,
                   parameters=[ID], responses={200: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk):
        contribution = self.get_object()
        data = _valid(RequestChangesSerializer, request)
        return self._respond(reviewing.request_changes(user=request.user, contribution=contribution,
                                                      comment=data.get("comment") or "",
                                                      field_comments=data.get("field_comments")))

    @extend_schema(summary="Reject with a reason", request=ContributionReasonSerializer, parameters=[ID],
                   responses={200: ContributionDetailSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        contribution = self.get_object()
        data = _valid(ContributionReasonSerializer, request)
        return self._respond(reviewing.reject(user=request.user, contribution=contribution, reason=data["reason"]))

    @extend_schema(summary="Add to the discussion between contributor and reviewers", request=CommentCreateSerializer,
                   parameters=[ID], responses={201: CommentSerializer, **documented_errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk):
        contribution = self.get_object()
        data = _valid(CommentCreateSerializer, request)
        comment = comments.add_comment(user=request.user, contribution=contribution, body=data["body"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The review queue of the caller's departments", parameters=QUEUE_FILTERS,
                   responses={200: ContributionSerializer(many=True), **documented_errors(400, 401)})
    @action(detail=False, methods=["get"])
    def queue(self, request):
        params = request.query_params
        queryset = selectors.review_queue(
            request.user, kind=_choice(params, "kind", Kind.values), status=_choice(params, "status", Status.values),
            enterprise=params.get("enterprise", ""),
            validation=_choice(params, "validation", ValidationResult.values),
            sort=_choice(params, "sort", list(selectors.SORTS)) or "age",
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ContributionSerializer(page, many=True).data)
