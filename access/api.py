"""Access API v1: applications, grants, usage reports and (for staff) the audit log.

Thin adapters: what a caller may see comes from access.selectors (an object
outside it is 404), every step goes through access.services, whose refusals
core.exceptions turns into the one JSON error shape.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from audit import exports as audit_exports
from audit.selectors import audit_entries
from core.exceptions import documented_errors
from datasets import selectors as catalog
from datasets.grading import viewer_for
from datasets.permissions import ReadAnyoneWriteSignedIn
from organizations.models import Organization

from . import selectors, services
from .forms import AuditFilterForm
from .models import AccessApplication
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApproveSerializer,
    AuditEntrySerializer,
    GrantSerializer,
    ReasonSerializer,
    RenewSerializer,
    UsageReportCreateSerializer,
    UsageReportSerializer,
)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.provided()


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
APPLICATION_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=AccessApplication.Status.values),
    OpenApiParameter("dataset", OpenApiTypes.STR, description="Dataset identifier"),
    OpenApiParameter("enterprise", OpenApiTypes.STR, description="Enterprise slug"),
]


class FilteredByQuery:
    """`?dataset=<identifier>` and `?enterprise=<slug>` on the list views."""

    filter_backends = []

    def filter_common(self, queryset):
        params = self.request.query_params
        if params.get("dataset"):
            queryset = queryset.filter(dataset__identifier=params["dataset"])
        if params.get("enterprise"):
            queryset = queryset.filter(enterprise__slug=params["enterprise"])
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Applications the caller may see (own enterprises', or to review)",
                       parameters=APPLICATION_FILTERS, responses={200: ApplicationSerializer, **documented_errors(400, 401)}),
    retrieve=extend_schema(summary="One application", parameters=[ID],
                           responses={200: ApplicationSerializer, **documented_errors(401, 404)}),
)
class ApplicationViewSet(FilteredByQuery, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        queryset = self.filter_common(selectors.applications_for(self.request.user))
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in AccessApplication.Status.values:
                raise ValidationError({"status": [_("可选值：%(values)s。") % {
                    "values": ", ".join(AccessApplication.Status.values)}]})
            queryset = queryset.filter(status=wanted)
        return queryset

    def _respond(self, application, status_code=status.HTTP_200_OK):
        application = selectors.applications_for(self.request.user).get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=status_code)

    @extend_schema(summary="Apply for a conditional dataset for one of the caller's verified enterprises",
                   request=ApplicationCreateSerializer,
                   responses={201: ApplicationSerializer, **documented_errors(400, 401, 403, 404, 409)})
    def create(self, request):
        data = _valid(ApplicationCreateSerializer, request)
        enterprise = Organization.objects.filter(slug=data.pop("enterprise")).first()
        if enterprise is None:
            raise ValidationError({"enterprise": [_("没有这个企业。")]})
        dataset = catalog.dataset_for(viewer_for(request), data.pop("dataset"))
        application = services.apply(user=request.user, enterprise=enterprise, dataset=dataset, data=data)
        return self._respond(application, status.HTTP_201_CREATED)

    @extend_schema(summary="Withdraw an open application", request=None, parameters=[ID],
                   responses={200: ApplicationSerializer, **documented_errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk):
        return self._respond(services.withdraw(user=request.user, application=self.get_object()))

    @extend_schema(summary="Approve (reviewers of the owning department): creates the grant",
                   request=ApproveSerializer, parameters=[ID],
                   responses={200: ApplicationSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        application = self.get_object()
        data = _valid(ApproveSerializer, request)
        services.approve(user=request.user, application=application, **data)
        return self._respond(application)

    @extend_schema(summary="Reject with a reason (reviewers of the owning department)",
                   request=ReasonSerializer, parameters=[ID],
                   responses={200: ApplicationSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        application = self.get_object()
        data = _valid(ReasonSerializer, request)
        return self._respond(services.reject(user=request.user, application=application, reason=data["reason"]))


@extend_schema_view(
    list=extend_schema(summary="Grants the caller may see", parameters=APPLICATION_FILTERS[1:],
                       responses={200: GrantSerializer, **documented_errors(401)}),
    retrieve=extend_schema(summary="One grant", parameters=[ID], responses={200: GrantSerializer, **documented_errors(401, 404)}),
)
class GrantViewSet(FilteredByQuery, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = GrantSerializer

    def get_queryset(self):
        return self.filter_common(selectors.grants_for(self.request.user))

    @extend_schema(summary="Revoke a grant at once (reviewers of the owning department, staff)",
                   request=ReasonSerializer, parameters=[ID],
                   responses={200: GrantSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk):
        grant = self.get_object()
        data = _valid(ReasonSerializer, request)
        grant = services.revoke_grant(user=request.user, grant=grant, reason=data["reason"])
        return Response(GrantSerializer(self.get_queryset().get(pk=grant.pk)).data)

    @extend_schema(summary="Apply for renewal (needs a usage report of this grant)", request=RenewSerializer,
                   parameters=[ID], responses={201: ApplicationSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk):
        grant = self.get_object()
        application = services.renew(user=request.user, grant=grant, data=_valid(RenewSerializer, request))
        application = selectors.applications_for(request.user).get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Usage reports: public ones, plus the caller's enterprises' and department's",
                       parameters=APPLICATION_FILTERS[1:], responses={200: UsageReportSerializer}),
    retrieve=extend_schema(summary="One usage report", parameters=[ID],
                           responses={200: UsageReportSerializer, **documented_errors(404)}),
)
class UsageReportViewSet(FilteredByQuery, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = UsageReportSerializer

    def get_queryset(self):
        return self.filter_common(selectors.usage_reports_for(self.request.user))

    @extend_schema(summary="Report what was built with a grant's data", request=UsageReportCreateSerializer,
                   responses={201: UsageReportSerializer, **documented_errors(400, 401, 403, 404)})
    def create(self, request):
        data = _valid(UsageReportCreateSerializer, request)
        grant = get_object_or_404(selectors.grants_for(request.user), pk=data.pop("grant"))
        report = services.file_usage_report(user=request.user, grant=grant, data=data)
        return Response(UsageReportSerializer(report).data, status=status.HTTP_201_CREATED)


AUDIT_FILTERS = [
    OpenApiParameter(name, OpenApiTypes.DATE if name in ("since", "until") else OpenApiTypes.STR)
    for name in AuditFilterForm.base_fields
]


def audit_queryset(params):
    """The audit log narrowed by GET parameters, or a 400 naming the bad one."""
    form = AuditFilterForm(params)
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return audit_entries(form.cleaned_data)


@extend_schema_view(
    list=extend_schema(summary="The audit log (platform staff)", parameters=AUDIT_FILTERS,
                       responses={200: AuditEntrySerializer, **documented_errors(400, 401, 403)}),
)
class AuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Read-only by design: the log is append-only, so there is no write route at all."""

    permission_classes = [IsAdminUser]
    serializer_class = AuditEntrySerializer
    filter_backends = []

    def get_queryset(self):
        return audit_queryset(self.request.query_params)

    @extend_schema(summary="The filtered audit log as CSV", parameters=AUDIT_FILTERS,
                   responses={(200, "text/csv"): OpenApiTypes.STR, **documented_errors(400, 401, 403)})
    @action(detail=False, methods=["get"])
    def export(self, request):
        return audit_exports.csv_response(self.get_queryset())
