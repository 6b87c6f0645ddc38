"""Input refused at the door: over-long URLs and control characters, for every endpoint.

A URL (path and query string) longer than settings.REQUEST_URL_MAX_BYTES is a
414; the front servers are configured to pass at least that much (README,
"Request limits"), so what the API accepts is this one number.

Control characters: one rule for every text a request carries.

PostgreSQL cannot store NUL in text (and refuses `\\u0000` in jsonb), and no
other C0 control character or DEL means anything in a name, a filter or a
search; so a request carrying one in its path, a query parameter (name or
value), a url-encoded form field or a JSON string is refused with a 400 naming
the parameter, before any view, filter or query sees it. Tab, line feed and
carriage return stay allowed: they are ordinary in text bodies and cells.
Multipart bodies are read here only on pages (where CSRF checks read them
anyway); under the API they are left to the views' parsers (whose text fields
refuse NUL), so uploads keep their own parsers and streaming handlers.
"""
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _

from .http_errors import is_api_path, refusal

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# How a control character looks escaped in JSON; only such bodies are parsed here.
JSON_ESCAPED_CONTROL = re.compile(rb"\\u00(?:0[0-8bcef]|1[0-9a-f]|7f)", re.IGNORECASE)


def has_control_characters(text):
    return bool(CONTROL_CHARACTERS.search(text))


def _shown(name):
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", name)


def _first_bad_field(items):
    for name, values in items:
        if has_control_characters(name) or any(has_control_characters(value) for value in values):
            return _shown(name)
    return None


def _bad_json_path(value, path):
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if has_control_characters(key):
                return _shown(where)
            found = _bad_json_path(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _bad_json_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _bad_json_field(request):
    if not JSON_ESCAPED_CONTROL.search(request.body):
        return None
    try:
        document = json.loads(request.body)
    except ValueError:
        return None  # the view's parser answers malformed JSON
    return _bad_json_path(document, "") or "non_field_errors"


def bad_field(request):
    """The name of the first parameter carrying a control character, or None."""
    if has_control_characters(request.path):
        return "path"
    found = _first_bad_field(request.GET.lists())
    if found or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded" or (
            content_type == "multipart/form-data" and not is_api_path(request)):
        return _first_bad_field(request.POST.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        return _bad_json_field(request)
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.max_url_bytes = settings.REQUEST_URL_MAX_BYTES

    def __call__(self, request):
        if len(request.get_full_path().encode()) > self.max_url_bytes:
            message = _("网址过长：最多 %(n)d 字节。") % {"n": self.max_url_bytes}
            return refusal(request, 414, "uri_too_long", message)
        field = bad_field(request)
        if field is not None:
            message = _("参数 %(name)s 含有不允许的控制字符。") % {"name": field}
            return refusal(request, 400, "invalid", message, field)
        return self.get_response(request)
