"""Turns the limiter's decision into headers (and a 429), and meters keyed calls.

DRF decides (apikeys.throttling, apikeys.authentication) and leaves the
decision on the request; this middleware sees every response, including the
error responses DRF builds. A call under LIMITED_PATHS that ended before DRF's
throttle ran (an unknown URL, an anonymous write refused) is counted here, so
every API and download response carries RateLimit-* headers.
"""
import time

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from core.exceptions import error_body

from . import throttling
from .metering import record_call
from .models import ApiKey

LIMITED_PATHS = ("/api/", "/download/")

MESSAGES = {
    "burst": _("请求过于频繁：超出每秒突发上限。"),
    "minute": _("请求过于频繁：超出每分钟请求上限。"),
    "daily": _("已用完今日配额。"),
}


def refused_response(decision):
    body = error_body(429, "rate_limited", str(MESSAGES[decision.hit]))
    body["error"]["limit"] = decision.hit
    body["error"]["retry_after"] = decision.retry_after
    return JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})


class ApiUsageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if not hasattr(request, "rate_limit") and request.path.startswith(LIMITED_PATHS):
            throttling.limit(request)
        decision = getattr(request, "rate_limit", None)
        if decision is not None:
            # A view speaking another protocol's error shape (the CKAN API) keeps its own refusal.
            if not decision.allowed and not getattr(response, "own_error_shape", False):
                response = refused_response(decision)
            for name, value in decision.headers().items():
                response[name] = value
        key = getattr(request, "auth", None)
        if isinstance(key, ApiKey):
            record_call(request, response, key, started)
        return response
