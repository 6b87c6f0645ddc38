"""The CKAN Action API's one endpoint: `/api/3/action/<name>` and `/api/action/<name>`, GET or POST.

A DRF view, so API keys, scopes, rate limits and metering are those of /api/v1/; what differs is
CKAN's envelope (`help`, `success`, `result`) and its error shape (.errors), for every refusal.
"""
import datetime

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apikeys.authentication import CkanKeyAuthentication
from apikeys.models import Scope
from datasets.grading import viewer_for

from ..links import SiteLinks
from . import params
from .actions import ACTIONS
from .errors import ActionError, BadRequest, NotAuthorized, Throttled


class SessionWithoutCsrf(SessionAuthentication):
    """A signed-in browser reads the API as itself; every action only reads, so a POST needs no CSRF token."""

    def enforce_csrf(self, request):
        return None


class AlwaysJson(BaseContentNegotiation):
    """CKAN answers JSON whatever the Accept header says."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Call:
    """One action call: the caller's viewer, its data dict and how to link."""

    def __init__(self, request, data):
        self.request, self.data = request, data
        self.viewer = viewer_for(request)
        self.links = SiteLinks.for_request(request)
        self.now = datetime.datetime.now(datetime.timezone.utc)


def _envelope(request, name, **fields):
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={name}")
    body = {"help": help_url, **fields}
    return body


def _refusal(exc):
    """A DRF refusal (key, scope, rate limit) as CKAN names it."""
    if isinstance(exc, exceptions.Throttled):
        return Throttled(str(exc.detail))
    if isinstance(exc, (exceptions.AuthenticationFailed, exceptions.NotAuthenticated, exceptions.PermissionDenied)):
        return NotAuthorized(str(exc.detail))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return BadRequest(str(exc.detail))
    return None


class ActionView(APIView):
    authentication_classes = [CkanKeyAuthentication, SessionWithoutCsrf]
    required_scopes = (Scope.CATALOG_READ,)
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AlwaysJson
    parser_classes = []
    schema = None  # CKAN's API is documented by CKAN (docs/exchange.md), not in the portal's OpenAPI schema

    def get(self, request, name=""):
        if name not in ACTIONS:
            raise BadRequest(f"Action name not known: {name}")
        data = params.request_data(request._request)
        result = ACTIONS[name](Call(request, data))
        return JsonResponse(_envelope(request, name, success=True, result=result),
                            json_dumps_params={"ensure_ascii": False})

    post = get

    def handle_exception(self, exc):
        refusal = exc if isinstance(exc, ActionError) else _refusal(exc)
        if refusal is None:
            return super().handle_exception(exc)
        name = self.kwargs.get("name", "")
        response = JsonResponse(_envelope(self.request, name, success=False, error=refusal.body()),
                                status=refusal.status, json_dumps_params={"ensure_ascii": False})
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        response.own_error_shape = True  # apikeys.middleware leaves a refused call's body as CKAN shaped it
        return response


def api_version(request, version=None):
    """`/api/3` and `/api`: which API versions are here, as CKAN answers."""
    return JsonResponse({"version": 3})
