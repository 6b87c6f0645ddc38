"""Enterprise API v1: register, read one's enterprises, manage members; platform admins verify or reject.

Lookups go through enterprises.selectors (unknown slug: 404), access through
enterprises.permissions (someone else's enterprise: 403), and every change
through enterprises.workflow / services, whose refusals core.exceptions maps
to the one JSON error shape.
"""
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.exceptions import documented_errors
from core.filters import StrictFilterSet
from organizations import services as organization_services

from . import selectors, workflow
from .models import EnterpriseProfile
from .permissions import EnterpriseAccess, IsPlatformStaff
from .serializers import (
    EnterpriseDetailSerializer,
    EnterpriseRegisterSerializer,
    EnterpriseSerializer,
    InvitationSerializer,
    MemberAddSerializer,
    MemberSerializer,
    RejectSerializer,
)

SLUG_PARAMETER = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The enterprise's organization slug")



class EnterpriseFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=EnterpriseProfile.Status.choices)

    class Meta:
        model = EnterpriseProfile
        fields = ["status"]


@extend_schema_view(
    list=extend_schema(summary="Enterprises: one's own, or every one for platform admins (`status=pending` to review)",
                       responses={200: EnterpriseSerializer, **documented_errors(400, 403)}),
    retrieve=extend_schema(summary="One enterprise with its members", parameters=[SLUG_PARAMETER],
                           responses={200: EnterpriseDetailSerializer, **documented_errors(403, 404)}),
    create=extend_schema(summary="Register an enterprise (pending until a platform admin verifies it)",
                         request={"multipart/form-data": EnterpriseRegisterSerializer},
                         responses={201: EnterpriseDetailSerializer, **documented_errors(400, 403, 409, 413)}),
)
class EnterpriseViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, EnterpriseAccess]
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    lookup_field = "slug"
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return selectors.enterprise_profiles_for(self.request.user)

    def get_permissions(self):
        if self.action in {"verify", "reject"}:
            return [IsAuthenticated(), IsPlatformStaff()]
        return super().get_permissions()

    def get_object(self):
        profile = selectors.enterprise_by_slug(self.kwargs["slug"])
        self.check_object_permissions(self.request, profile)
        return profile

    def _detail(self, profile, status_code=status.HTTP_200_OK):
        profile = EnterpriseProfile.objects.select_related("organization").get(pk=profile.pk)
        context = {"request": self.request, "members": selectors.members_of(profile.organization)}
        return Response(EnterpriseDetailSerializer(profile, context=context).data, status=status_code)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug):
        return self._detail(self.get_object())

    def create(self, request):
        serializer = EnterpriseRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(workflow.register(request, **serializer.validated_data), status.HTTP_201_CREATED)

    @extend_schema(summary="Verify a pending enterprise (platform admins)", request=None, parameters=[SLUG_PARAMETER],
                   responses={200: EnterpriseDetailSerializer, **documented_errors(403, 404, 409)})
    @action(detail=True, methods=["post"])
    def verify(self, request, slug):
        return self._detail(workflow.verify(request, self.get_object()))

    @extend_schema(summary="Reject a pending enterprise with a reason (platform admins)", request=RejectSerializer,
                   parameters=[SLUG_PARAMETER], responses={200: EnterpriseDetailSerializer, **documented_errors(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request, slug):
        profile = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(workflow.reject(request, profile, serializer.validated_data["reason"]))

    @extend_schema(summary="Add an existing account as a member, or invite an email address (enterprise admins)",
                   request=MemberAddSerializer, parameters=[SLUG_PARAMETER],
                   responses={201: MemberSerializer, 202: InvitationSerializer, **documented_errors(400, 403, 404)})
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, slug):
        profile = self.get_object()
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership, invited = workflow.add_member(
            request, profile.organization, serializer.validated_data["user"], serializer.validated_data["role"]
        )
        if invited:
            return Response(InvitationSerializer({"invited": invited}).data, status=status.HTTP_202_ACCEPTED)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a member (all their roles) from the enterprise (enterprise admins)", request=None,
                   parameters=[SLUG_PARAMETER, OpenApiParameter("username", str, OpenApiParameter.PATH)],
                   responses={204: None, **documented_errors(403, 404, 409)})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<username>[^/]+)")
    def remove_member(self, request, slug, username):
        profile = self.get_object()
        member = get_object_or_404(get_user_model(), username=username)
        if not selectors.members_of(profile.organization).filter(user=member).exists():
            raise Http404
        organization_services.remove_member(user=request.user, organization=profile.organization, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
