"""Catalog API v1 views: thin adapters between HTTP and the catalog layers.

Reads go through datasets.selectors (which apply the grade rules), writes
through datasets.services (which apply the publishing rules and raise the
errors that core.exceptions turns into the one JSON error shape). A dataset
or resource the caller may not see is looked up through the selectors first,
so it answers 404, never 403.
"""
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from core.exceptions import documented_errors
from core.parsers import UploadNameMultiPartParser
from core.renderers import FAST_RENDERERS

from . import selectors
from .catalog_counts import CatalogPagination, CatalogPaginator
from .filters import DatasetFilter, stable_order
from .grading import viewer_for
from .models import Licence, ResourceVersion
from .permissions import ReadAnyoneWriteSignedIn
from .serializers import (
    DatasetDetailSerializer,
    DatasetListSerializer,
    LicenceSerializer,
    OrganizationSerializer,
    ResourceDetailSerializer,
    ThemeTreeSerializer,
)
from .services.lifecycle import archive_dataset, create_dataset, delete_dataset, publish_dataset, update_dataset
from .services.resources import (
    add_file_resource,
    add_url_resource,
    delete_resource,
    replace_resource_file,
    update_resource,
)
from .write_serializers import (
    DatasetCreateSerializer,
    DatasetWriteSerializer,
    ResourceCreateSerializer,
    ResourceUpdateSerializer,
    ResourceVersionCreateSerializer,
)

UPLOAD_PARSERS = [JSONParser, FormParser, UploadNameMultiPartParser]

IDENTIFIER_PARAMETER = OpenApiParameter(
    "identifier", OpenApiTypes.STR, OpenApiParameter.PATH,
    description="Dataset identifier; may contain / : . _ -",
)
RESOURCE_ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)



@extend_schema_view(
    list=extend_schema(summary="Organizations with the number of datasets the caller may see"),
    retrieve=extend_schema(summary="One organization", responses={200: OrganizationSerializer, **documented_errors(404)}),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self):
        # Counting drops the model's default order; pages need a stable one.
        return selectors.organizations_with_counts(viewer_for(self.request)).order_by("slug")


class ThemeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The two-level theme vocabulary, top-level themes with their sub-themes nested."""

    serializer_class = ThemeTreeSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="Themes as a tree, with the number of datasets the caller may see")
    def list(self, request):
        return Response(self.get_serializer(selectors.theme_tree_with_counts(viewer_for(request)), many=True).data)


@extend_schema_view(list=extend_schema(summary="The licences a dataset may be published under"))
class LicenceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LicenceSerializer
    queryset = Licence.objects.all()
    pagination_class = None
    filter_backends = []


class _EntryPaginator(CatalogPaginator):
    """Pages of list entries: the page's slice of ids is read by selectors.list_entries, in one query."""

    def _get_page(self, page, number, paginator):
        return super()._get_page(selectors.list_entries(page), number, paginator)


class _EntryPagination(CatalogPagination):
    django_paginator_class = _EntryPaginator


def _dataset_detail(request, dataset):
    """The detail body of a dataset, fetched with a fixed number of queries."""
    prefetch_related_objects(list(dataset.resources.all()), "current_version")
    context = {"request": request, "history": selectors.dataset_activity(dataset)}
    return DatasetDetailSerializer(dataset, context=context).data


def _resource_detail(request, resource):
    prefetch_related_objects(
        [resource], Prefetch("versions", queryset=ResourceVersion.objects.select_related("created_by"))
    )
    return ResourceDetailSerializer(resource, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(summary="Datasets the caller may see (published ones unless `state` is given)",
                       responses={200: DatasetListSerializer, **documented_errors(400, 404)}),
    retrieve=extend_schema(summary="One dataset with resources and recent history",
                           parameters=[IDENTIFIER_PARAMETER], responses={200: DatasetDetailSerializer, **documented_errors(404)}),
    create=extend_schema(summary="Create a draft dataset", request=DatasetCreateSerializer,
                         responses={201: DatasetDetailSerializer, **documented_errors(400, 403, 409)}),
    update=extend_schema(summary="Update a dataset (identifier and title required)", request=DatasetWriteSerializer,
                         parameters=[IDENTIFIER_PARAMETER],
                         responses={200: DatasetDetailSerializer, **documented_errors(400, 403, 404)}),
    partial_update=extend_schema(summary="Update some fields of a dataset", request=DatasetWriteSerializer,
                                 parameters=[IDENTIFIER_PARAMETER],
                                 responses={200: DatasetDetailSerializer, **documented_errors(400, 403, 404)}),
    destroy=extend_schema(summary="Delete a dataset and its files", parameters=[IDENTIFIER_PARAMETER],
                          responses={204: None, **documented_errors(403, 404)}),
)
class DatasetViewSet(viewsets.GenericViewSet):
    permission_classes = [ReadAnyoneWriteSignedIn]
    # A page of 100 entries took DRF's JSON renderer longer than the database took to read it.
    renderer_classes = FAST_RENDERERS
    serializer_class = DatasetListSerializer
    filterset_class = DatasetFilter
    pagination_class = _EntryPagination
    lookup_field = "identifier"
    # Identifiers may contain "/": PathLookupRouter matches the action routes first.
    lookup_value_regex = ".+"

    def get_queryset(self):
        # Ids: the paginator reads its page's entries (_EntryPaginator). Without `state` the list is the
        # public catalog; with it, whatever the caller may see.
        return selectors.list_ids_for(viewer_for(self.request), listed=not self.request.query_params.get("state"))

    def get_object(self):
        return selectors.dataset_for(viewer_for(self.request), self.kwargs["identifier"])

    def filter_queryset(self, queryset):
        # Building and validating the filter set (a form) cost more than reading a page of the list
        # (bench/catalog_bench.py); without a filter parameter all it would do is the default order.
        if DatasetFilter.base_filters.keys().isdisjoint(self.request.query_params.keys()):
            return stable_order(queryset)
        return super().filter_queryset(queryset)

    def _respond(self, dataset, status_code=status.HTTP_200_OK):
        # Re-read through the selector so the body shows exactly what the caller may see.
        dataset = selectors.dataset_for(viewer_for(self.request), dataset.identifier)
        return Response(_dataset_detail(self.request, dataset), status=status_code)

    def list(self, request):
        # With the cached count (catalog_counts), one query whatever the page size.
        entries = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)

    def retrieve(self, request, identifier):
        return Response(_dataset_detail(request, self.get_object()))

    def create(self, request):
        serializer = DatasetCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.provided()
        organization = data.pop("organization")
        dataset = create_dataset(user=request.user, organization=organization, data=data)
        return self._respond(dataset, status.HTTP_201_CREATED)

    def update(self, request, identifier, partial=False):
        dataset = self.get_object()
        serializer = DatasetWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._respond(update_dataset(user=request.user, dataset=dataset, data=serializer.provided()))

    def partial_update(self, request, identifier):
        return self.update(request, identifier, partial=True)

    def destroy(self, request, identifier):
        delete_dataset(user=request.user, dataset=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Publish a dataset", request=None, parameters=[IDENTIFIER_PARAMETER],
                   responses={200: DatasetDetailSerializer, **documented_errors(403, 404)})
    @action(detail=True, methods=["post"])
    def publish(self, request, identifier):
        return self._respond(publish_dataset(user=request.user, dataset=self.get_object()))

    @extend_schema(summary="Archive a dataset", request=None, parameters=[IDENTIFIER_PARAMETER],
                   responses={200: DatasetDetailSerializer, **documented_errors(403, 404)})
    @action(detail=True, methods=["post"])
    def archive(self, request, identifier):
        return self._respond(archive_dataset(user=request.user, dataset=self.get_object()))

    @extend_schema(
        summary="Add a resource: a file (multipart `file`) or an external link (`url`)",
        parameters=[IDENTIFIER_PARAMETER],
        request={"multipart/form-data": ResourceCreateSerializer, "application/json": ResourceCreateSerializer},
        responses={201: ResourceDetailSerializer, **documented_errors(400, 403, 404, 413)},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def resources(self, request, identifier):
        dataset = self.get_object()
        serializer = ResourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.provided()
        uploaded, claimed_format = data.pop("file", None), data.pop("format", None)
        if uploaded is not None:
            resource = add_file_resource(
                user=request.user, dataset=dataset, uploaded=uploaded, data=data, claimed_format=claimed_format
            )
        else:
            resource = add_url_resource(
                user=request.user, dataset=dataset, data=data, claimed_format=claimed_format or ""
            )
        resource = selectors.resource_for(viewer_for(request), resource.pk)
        return Response(_resource_detail(request, resource), status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="One resource with its file versions",
                           parameters=[RESOURCE_ID_PARAMETER], responses={200: ResourceDetailSerializer, **documented_errors(404)}),
    partial_update=extend_schema(summary="Update a resource's description fields", request=ResourceUpdateSerializer,
                                 parameters=[RESOURCE_ID_PARAMETER],
                                 responses={200: ResourceDetailSerializer, **documented_errors(400, 403, 404)}),
    destroy=extend_schema(summary="Delete a resource and its files", parameters=[RESOURCE_ID_PARAMETER],
                          responses={204: None, **documented_errors(403, 404)}),
)
class ResourceViewSet(viewsets.GenericViewSet):
    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = ResourceDetailSerializer
    filter_backends = []

    def get_object(self):
        return selectors.resource_for(viewer_for(self.request), self.kwargs["pk"])

    def _respond(self, resource, status_code=status.HTTP_200_OK):
        resource = selectors.resource_for(viewer_for(self.request), resource.pk)
        return Response(_resource_detail(self.request, resource), status=status_code)

    def retrieve(self, request, pk):
        return Response(_resource_detail(request, self.get_object()))

    def partial_update(self, request, pk):
        resource = self.get_object()
        serializer = ResourceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._respond(update_resource(user=request.user, resource=resource, data=serializer.provided()))

    def destroy(self, request, pk):
        delete_resource(user=request.user, resource=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Replace the file: a new version (earlier versions stay downloadable)",
        parameters=[RESOURCE_ID_PARAMETER],
        request={"multipart/form-data": ResourceVersionCreateSerializer},
        responses={201: ResourceDetailSerializer, **documented_errors(400, 403, 404, 413)},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def versions(self, request, pk):
        resource = self.get_object()
        serializer = ResourceVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.provided()
        resource = replace_resource_file(
            user=request.user, resource=resource, uploaded=data["file"], claimed_format=data.get("format")
        )
        return self._respond(resource, status.HTTP_201_CREATED)
