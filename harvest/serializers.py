"""Shapes of the harvest API. Write serializers check shape only; harvest.services applies the rules."""
from rest_framework import serializers

from core.serializers import JSONValueField, StrictSerializer
from datasets.serializers import DatasetRefSerializer, OrganizationRefSerializer

from .models import HarvestJob, HarvestRecord, HarvestSource


class HarvestSourceSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    default_licence = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = HarvestSource
        fields = ["id", "name", "organization", "kind", "url", "config", "schedule", "cron", "default_open_grade",
                  "default_licence", "publish", "disappeared_policy", "archive_after_days", "active",
                  "next_run_at", "created", "modified"]


def _loose_text(**kwargs):
    # Content rules (blank, length, choices) belong to harvest.services.sources, which names the field.
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class HarvestSourceWriteSerializer(StrictSerializer):
    name = _loose_text()
    organization = _loose_text(allow_null=True, help_text="Organization slug; null: map publishers by name (staff)")
    kind = _loose_text()
    url = _loose_text()
    config = JSONValueField(required=False)
    schedule = _loose_text()
    cron = _loose_text()
    default_open_grade = _loose_text()
    default_licence = _loose_text(allow_null=True, help_text="Licence code")
    publish = serializers.BooleanField(required=False)
    disappeared_policy = _loose_text()
    archive_after_days = serializers.IntegerField(required=False)
    active = serializers.BooleanField(required=False)


class RunSerializer(StrictSerializer):
    dry_run = serializers.BooleanField(required=False, default=False)
    full = serializers.BooleanField(required=False, default=False)


class HarvestJobSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = HarvestJob
        fields = ["id", "source", "status", "dry_run", "since", "requested_by", "created", "started", "finished",
                  "reason", "abort_requested", "read", "created_count", "updated_count", "unchanged_count",
                  "archived_count", "deleted_count", "failed_count", "skipped_count", "mapping", "preview"]


class HarvestRecordSerializer(serializers.ModelSerializer):
    dataset = DatasetRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HarvestRecord
        fields = ["id", "remote_id", "title", "outcome", "field", "error", "notes", "original_url", "dataset"]
