"""Shapes of the data API's JSON bodies, for the OpenAPI schema and the status/schema endpoints."""
from rest_framework import serializers

from .models import DatastoreTable


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["string", "integer", "number", "boolean", "date", "datetime", "geometry"])
    indexed = serializers.BooleanField(required=False)


class LoadSerializer(serializers.ModelSerializer):
    """One load of a version: its progress while it runs, its outcome after."""

    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = DatastoreTable
        fields = ["version", "status", "is_active", "source_format", "encoding", "rows_loaded", "row_count",
                  "bytes_read", "bytes_total", "errors", "started", "finished"]


class DatastoreStatusSerializer(serializers.Serializer):
    active = LoadSerializer(allow_null=True)
    latest = LoadSerializer(allow_null=True)


class TableSchemaSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    version = serializers.IntegerField()
    row_count = serializers.IntegerField()
    fields = ColumnSerializer(many=True)
    geo = serializers.ListField(child=serializers.CharField(), allow_null=True,
                                help_text='["geometry", column] or ["point", longitude column, latitude column]')


class RowsSerializer(serializers.Serializer):
    fields = ColumnSerializer(many=True)
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    rows = serializers.ListField(child=serializers.DictField())
    next_cursor = serializers.CharField(allow_null=True)
