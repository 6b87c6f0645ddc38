"""Harvest API v1: sources, runs, jobs and their per-record reports, for who may manage the source.

Thin adapters: what a caller sees comes from harvest.selectors (outside it: 404), every change goes
through harvest.services. Signed-in people only: API keys are refused (they never publish).
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.exceptions import documented_errors

from . import selectors
from .models import RecordOutcome
from .serializers import (
    HarvestJobSerializer,
    HarvestRecordSerializer,
    HarvestSourceSerializer,
    HarvestSourceWriteSerializer,
    RunSerializer,
)
from .services import jobs as job_services
from .services import sources

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.provided()


class _HarvestViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    required_scopes = None
    filter_backends = []
    lookup_value_regex = r"\d+"


@extend_schema_view(
    list=extend_schema(summary="Harvest sources the caller may manage",
                       responses={200: HarvestSourceSerializer, **documented_errors(401)}),
    retrieve=extend_schema(summary="One harvest source", parameters=[ID],
                           responses={200: HarvestSourceSerializer, **documented_errors(401, 404)}),
)
class HarvestSourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _HarvestViewSet):
    serializer_class = HarvestSourceSerializer

    def get_queryset(self):
        return selectors.sources_for(self.request.user)

    @extend_schema(summary="Create a harvest source", request=HarvestSourceWriteSerializer,
                   responses={201: HarvestSourceSerializer, **documented_errors(400, 401, 403)})
    def create(self, request):
        source = sources.save_source(user=request.user, data=_valid(HarvestSourceWriteSerializer, request))
        return Response(HarvestSourceSerializer(source).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change the given fields of a harvest source", parameters=[ID],
                   request=HarvestSourceWriteSerializer,
                   responses={200: HarvestSourceSerializer, **documented_errors(400, 401, 403, 404)})
    def partial_update(self, request, pk):
        source = sources.save_source(user=request.user, data=_valid(HarvestSourceWriteSerializer, request),
                                     instance=self.get_object())
        return Response(HarvestSourceSerializer(source).data)

    @extend_schema(summary="Start a run (or a dry run) of the source", parameters=[ID], request=RunSerializer,
                   responses={202: HarvestJobSerializer, **documented_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def run(self, request, pk):
        job = job_services.request_run(user=request.user, source=self.get_object(), **_valid(RunSerializer, request))
        return Response(HarvestJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The source's jobs, newest first", parameters=[ID],
                   responses={200: HarvestJobSerializer(many=True), **documented_errors(401, 404)})
    @action(detail=True, methods=["get"])
    def jobs(self, request, pk):
        page = self.paginate_queryset(selectors.jobs_of(self.get_object()))
        return self.get_paginated_response(HarvestJobSerializer(page, many=True).data)


@extend_schema_view(
    retrieve=extend_schema(summary="One harvest job: status, counts, mapping report, dry-run preview",
                           parameters=[ID], responses={200: HarvestJobSerializer, **documented_errors(401, 404)}),
)
class HarvestJobViewSet(mixins.RetrieveModelMixin, _HarvestViewSet):
    serializer_class = HarvestJobSerializer

    def get_queryset(self):
        return selectors.jobs_for(self.request.user)

    @extend_schema(summary="Abort the job (a running job stops at its next batch)", parameters=[ID], request=None,
                   responses={200: HarvestJobSerializer, **documented_errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def abort(self, request, pk):
        job = job_services.abort_job(user=request.user, job=self.get_object())
        return Response(HarvestJobSerializer(job).data)

    @extend_schema(summary="The job's per-record report", parameters=[
        ID, OpenApiParameter("outcome", OpenApiTypes.STR, enum=RecordOutcome.values)],
        responses={200: HarvestRecordSerializer(many=True), **documented_errors(400, 401, 404)})
    @action(detail=True, methods=["get"])
    def records(self, request, pk):
        outcome = request.query_params.get("outcome", "")
        if outcome and outcome not in RecordOutcome.values:
            raise ValidationError({"outcome": [_("可选值：%(values)s。") % {"values": ", ".join(RecordOutcome.values)}]})
        page = self.paginate_queryset(selectors.records_of(self.get_object(), outcome))
        return self.get_paginated_response(HarvestRecordSerializer(page, many=True).data)
