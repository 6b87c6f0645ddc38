"""The download doors: a resource's current file, one of its versions, a dataset's zip.

DownloadView is also the base of the datastore's data views, so every door to
data answers errors the same way and audits the same refusals.
"""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from datasets.access_audit import download_audit, record_refusal

from .. import grading, selectors
from ..download_refusals import ensure_can_download
from ..models import Dataset, Resource
from .archives import serve_dataset_zip
from .serving import redirect_to_link, serve_version


class ErrorsAsJSON(BaseContentNegotiation):
    """A file answers whatever Accept says; only errors are rendered, always as JSON."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


REFUSALS = (401, 403)


def _named_data(kwargs):
    """(dataset, resource) the URL names, read without the grade rules: for the audit log only."""
    if "resource_id" in kwargs:
        resource = Resource.objects.select_related("dataset__organization").filter(pk=kwargs["resource_id"]).first()
        return (resource.dataset, resource) if resource else (None, None)
    if "identifier" in kwargs:
        return Dataset.objects.select_related("organization").filter(identifier=kwargs["identifier"]).first(), None
    return None, None


class DownloadView(APIView):
    """GET/HEAD with session or token auth; errors in the portal's one JSON shape.

    A 401 or 403 on conditional data (files, datastore rows, aggregates, exports) is audited.
    """

    http_method_names = ["get", "head"]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJSON

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code in REFUSALS:
            dataset, resource = _named_data(self.kwargs)
            if dataset is not None:
                code = response.data.get("error", {}).get("code", "") if isinstance(response.data, dict) else ""
                record_refusal(self.request, dataset, resource, response.status_code, code,
                               api_key=getattr(exc, "key", None))
        return response


# A file is sent with its own media type, read from its bytes at upload (core.uploads.detect_format).
_FILE_RESPONSES = {
    (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, with its own Content-Type."),
    (206, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="A byte range of the file."),
    304: OpenApiResponse(description="Not modified (If-None-Match / If-Modified-Since)."),
    403: OpenApiResponse(description="Conditional data: access is by application; the error code names what is "
                                     "missing (application_required, scope_required, grant_required, key_inactive). "
                                     "personal_data_held: the file holds personal data, held back until the "
                                     "publisher masks it."),
    404: OpenApiResponse(description="No such resource, version or dataset for this user."),
    416: OpenApiResponse(description="Range not satisfiable."),
}


class ResourceDownloadView(DownloadView):
    @extend_schema(summary="Download the current file of a resource (or follow its external link)",
                   responses={**_FILE_RESPONSES, 302: OpenApiResponse(description="External link.")})
    def get(self, request, resource_id):
        resource = selectors.resource_for(grading.viewer_for(request), resource_id)
        ensure_can_download(request, resource.dataset, (resource.current_version,))
        audit = download_audit(request, resource.dataset, resource)
        if resource.kind == Resource.Kind.URL:
            return redirect_to_link(request, resource, audit)
        if resource.current_version is None:
            raise Http404("No file")
        return serve_version(request, resource, resource.current_version, audit)


class ResourceVersionDownloadView(DownloadView):
    @extend_schema(summary="Download one version of a file resource", responses=_FILE_RESPONSES)
    def get(self, request, resource_id, number):
        resource = selectors.resource_for(grading.viewer_for(request), resource_id)
        ensure_can_download(request, resource.dataset)
        version = resource.versions.filter(number=number).first()  # link resources have none
        if version is None:
            raise Http404("No such version")
        ensure_can_download(request, resource.dataset, (version,))
        return serve_version(request, resource, version, download_audit(request, resource.dataset, resource))


class DatasetZipView(DownloadView):
    @extend_schema(summary="Download a whole dataset as one zip (files, README.txt, metadata.json)",
                   responses={(200, "application/zip"): OpenApiTypes.BINARY,
                              403: _FILE_RESPONSES[403], 404: _FILE_RESPONSES[404]})
    def get(self, request, identifier):
        dataset = selectors.dataset_for(grading.viewer_for(request), identifier)
        ensure_can_download(request, dataset)
        # Files held back for personal data are left out for this viewer; README.txt lists them.
        return serve_dataset_zip(request, dataset, download_audit(request, dataset), grading.viewer_for(request))
