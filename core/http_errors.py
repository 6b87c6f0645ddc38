"""Errors answered outside any view: the JSON error shape for API clients, a page for browsers.

Under API_PATHS (the API, its schema, downloads and exports) every answer is
the JSON shape of core.exceptions, including Django's own 404/400/403/500
(unmatched paths, refused hosts, crashes); elsewhere the site's error pages.
Middleware that refuses a request before any view uses `refusal` for the same
choice.
"""
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from .exceptions import error_body

API_PATHS = ("/api/", "/download/")


def is_api_path(request):
    # "/api" itself too: an API client that drops the slash still gets the JSON shape.
    return request.path.startswith(API_PATHS) or f"{request.path}/" in API_PATHS


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


def server_error(request):
    if is_api_path(request):
        return json_error(500, "server_error", _("服务器出现错误，请稍后再试。"))
    return defaults.server_error(request)
