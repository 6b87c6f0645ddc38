"""Domain errors and the one JSON error shape of the API.

Services raise Django's ValidationError / PermissionDenied / Http404 or the
errors below; every entry point maps them the same way:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}
"""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import outages

logger = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


class Conflict(DomainError):
    """The request clashes with what is stored (a duplicate identifier, a stale transition)."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class PageNotFound(DomainError):
    """A page number past the last page of a list or of search results."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class InsufficientStorage(DomainError):
    """The file could not be stored: the disk (or the quota) is full. Nothing was kept."""

    status_code = status.HTTP_507_INSUFFICIENT_STORAGE
    code = "insufficient_storage"


class Forbidden(PermissionDenied):
    """A PermissionDenied that also says what to do about it, for the 403 page.

    `hint` is a sentence (who grants the missing role...), `actions` are (label, URL name)
    pairs of the pages that fix it (register an enterprise, see its verification...).
    The API answers with the message only, as for any PermissionDenied.
    """

    def __init__(self, message, *, hint="", actions=()):
        super().__init__(message)
        self.hint = hint
        self.actions = tuple(actions)


def error_body(status_code, code, message, fields=None):
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def validation_error_fields(error):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _flatten_drf_detail(detail):
    if isinstance(detail, dict):
        return {key: _flatten_drf_detail(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten_drf_detail(item) for item in detail]
    return str(detail)


def _texts(value):
    """Every message inside a flattened detail, nested lists and dicts included, as plain strings."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return [value]


def fields_message(fields):
    """One readable line for a field dict: `name: first message second message; other: ...`."""
    return "; ".join(f"{name}: {' '.join(_texts(value))}" for name, value in fields.items())


def api_exception_handler(exc, context):
    """DRF's handler, extended to Django and domain errors and outages, with one body shape."""
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        headers = {"Retry-After": outages.retry_after()} if isinstance(exc, InsufficientStorage) else None
        return Response(error_body(exc.status_code, exc.code, exc.message, fields), status=exc.status_code,
                        headers=headers)
    outage = outages.outage_of(exc)
    if outage is not None:
        logger.warning("%s answering an API call with %s", outages.log_line(outage, exc), outage.status)
        return Response(error_body(outage.status, outage.code, str(outage.message)), status=outage.status,
                        headers={"Retry-After": outages.retry_after()})
    if isinstance(exc, ValidationError):
        fields = validation_error_fields(exc)
        return Response(error_body(400, "invalid", fields_message(fields), fields), status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound(_("未找到。"))
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, drf_exceptions.ValidationError):
        fields = _flatten_drf_detail(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        response.data = error_body(response.status_code, "invalid", fields_message(fields), fields)
    else:
        detail = detail.get("detail", detail) if isinstance(detail, dict) else detail
        message = " ".join(_texts(_flatten_drf_detail(detail)))
        code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(response.status_code, code, message)
    return response


def documented_errors(*codes):
    """OpenAPI responses for the given error statuses, all in the one error shape above."""
    from drf_spectacular.utils import OpenApiResponse

    return {code: OpenApiResponse(description="{error: {status, code, message, fields}}") for code in codes}
