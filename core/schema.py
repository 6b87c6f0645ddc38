"""The OpenAPI schema's view of every operation: the errors it can answer and how strict its bodies are.

Each error status is documented where its cause applies, not view by view:
400, 401, 403, 414 and 429 can answer any operation (a key in the URL or a text
parameter the API refuses, credentials it cannot authenticate, a key without
the scope or network, a URL over REQUEST_URL_MAX_BYTES, the rate limits); 404 any operation with a path
parameter or pages. Views add what only they raise (409, 413, 416...) with
core.exceptions.documented_errors. Every 4xx body is the one error shape of
core.exceptions. A request body whose serializer refuses unknown fields
says so with additionalProperties: false. Every operation takes `lang`
(core.locale).
"""
from http import HTTPStatus

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .locale import LANGUAGE_PARAMETER
from .localization import API_LANGUAGES

EVERY_OPERATION = ("400", "401", "403", "414", "429")


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.JSONField(), required=False,
                                   help_text="Messages per parameter or body field.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


LANGUAGE = OpenApiParameter(
    LANGUAGE_PARAMETER, OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(API_LANGUAGES),
    description="The language of the answer's localized fields and messages; without it, Accept-Language "
                "decides (a language the portal does not speak gives zh). Each localized field falls back to "
                "the other language when its text is not set, and the object's `language` says which one is "
                "shown. Any other value is a 400 naming `lang`. Answers carry Content-Language and "
                "Vary: Accept-Language.",
)


class PortalAutoSchema(AutoSchema):
    def get_override_parameters(self):
        return [*super().get_override_parameters(), LANGUAGE]

    def _error_statuses(self):
        statuses = list(EVERY_OPERATION)
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            statuses.append("404")
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            responses.setdefault(code, {})
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code] = {**body, "description": response.get("description") or HTTPStatus(int(code)).phrase}
        return dict(sorted(responses.items()))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema
