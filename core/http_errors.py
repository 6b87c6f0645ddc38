"""Errors answered outside any view: the JSON error shape for API clients, a page for browsers.

Under API_PATHS (the API, its schema, downloads and exports) every answer is
the JSON shape of core.exceptions, including Django's own 404/400/403/500
(unmatched paths, refused hosts, crashes); elsewhere the site's error pages.
Middleware that refuses a request before any view uses `refusal` for the same
choice.
An outage (core.outages: the database or the object store down, the disk full)
that reaches the 500 handler is answered as a 503 or 507 with Retry-After instead.
"""
import logging
import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from . import outages
from .exceptions import error_body

API_PATHS = ("/api/", "/download/")
logger = logging.getLogger(__name__)


def is_api_path(request):
    # "/api" itself too: an API client that drops the slash still gets the JSON shape.
    return request.path.startswith(API_PATHS) or f"{request.path}/" in API_PATHS


def wants_json(request):
    return is_api_path(request) or "application/json" in request.META.get("HTTP_ACCEPT", "")


def json_error(status, code, message, fields=None):
    return JsonResponse(error_body(status, code, message, fields), status=status,
                        json_dumps_params={"ensure_ascii": False})


def refusal(request, status, code, message, field=None):
    """A refused request: JSON under API_PATHS, else the 400 page with the message."""
    if is_api_path(request):
        return json_error(status, code, message, {field: [message]} if field else None)
    return render(request, "400.html", {"message": message, "field": field}, status=status)


def bad_request(request, exception):
    if is_api_path(request):
        return json_error(400, "bad_request", _("请求无效。"))
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    """The reason the code gave (the exception's message) and, where it knows one, what to do next."""
    if is_api_path(request):
        return json_error(403, "permission_denied", str(exception) or _("您没有执行此操作的权限。"))
    actions = [{"label": label, "url": reverse(name)} for label, name in getattr(exception, "actions", ())]
    return render(request, "403.html", {
        "reason": str(exception), "hint": getattr(exception, "hint", ""), "actions": actions,
    }, status=403)


def page_not_found(request, exception):
    if is_api_path(request):
        return json_error(404, "not_found", _("未找到。"))
    return defaults.page_not_found(request, exception)


def outage_response(request, outage, error):
    """The answer to a request an outage stopped: JSON or a page that needs neither the database nor
    the session (no context processors), with Retry-After."""
    logger.warning("%s answering %s %s with %s", outages.log_line(outage, error), request.method,
                   request.path, outage.status)
    if wants_json(request):
        response = json_error(outage.status, outage.code, str(outage.message))
    else:
        page = render_to_string("outage.html", {"outage": outage})
        response = HttpResponse(page, status=outage.status)
    response["Retry-After"] = outages.retry_after()
    return response


def server_error(request):
    error = sys.exc_info()[1]  # Django calls the 500 handler while handling the exception
    outage = outages.outage_of(error)
    if outage is not None:
        return outage_response(request, outage, error)
    if is_api_path(request):
        return json_error(500, "server_error", _("服务器出现错误，请稍后再试。"))
    return defaults.server_error(request)
