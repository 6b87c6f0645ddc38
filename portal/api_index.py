"""GET /api/v1/: the API's index in JSON, read from the OpenAPI schema so it never drifts from it."""
from functools import cache

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")


class EndpointSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Path template; {name} marks a path parameter.")
    url = serializers.CharField()
    methods = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()


class ApiIndexSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.URLField()
    docs = serializers.URLField()
    endpoints = EndpointSerializer(many=True)


@cache
def _endpoints():
    """(path, methods, one-line description) of every API v1 operation path, from the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        if not path.startswith(API_PREFIX) or path == API_PREFIX:
            continue
        methods = [method for method in METHODS if method in operations]
        first = operations[methods[0]]
        summary = first.get("summary") or (first.get("description") or "").split("\n")[0]
        found.append((path, tuple(method.upper() for method in methods), summary))
    return schema["info"], tuple(found)


class ApiIndexView(APIView):
    """The API's endpoints with a one-line description each, and where its schema and docs are."""

    @extend_schema(summary="Index of the API: its endpoints, schema and documentation",
                   responses={200: ApiIndexSerializer})
    def get(self, request):
        info, endpoints = _endpoints()
        root = request.build_absolute_uri("/").rstrip("/")
        return Response(ApiIndexSerializer({
            "title": info["title"],
            "version": info["version"],
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
            "endpoints": [{"path": path, "url": root + path, "methods": list(methods), "description": summary}
                          for path, methods, summary in endpoints],
        }).data)
