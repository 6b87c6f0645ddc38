"""API shapes of keys, plans and usage. The token appears only in the answer that created it."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.datetimes import StorableDateTimeSerializerField

from .models import ApiKey, KeyStatus, Plan, Scope
from .services import DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "name_zh", "name_en", "burst_per_second", "requests_per_minute", "daily_quota"]


class ApiKeySerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    plan = PlanSerializer(read_only=True)
    status = serializers.SerializerMethodField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    allowed_networks = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "organization", "user", "plan", "scopes", "allowed_networks", "status",
                  "expires_at", "revoked_at", "grace_until", "replaced_by", "last_used_at", "created"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=KeyStatus.choices))
    def get_status(self, key):
        return key.status


class IssuedKeySerializer(ApiKeySerializer):
    token = serializers.CharField(read_only=True, help_text="The secret; shown this once, never again.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "token"]
        read_only_fields = fields


class KeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), allow_empty=False)
    organization = serializers.SlugField(required=False, allow_null=True, default=None,
                                         help_text="Slug of a verified enterprise you belong to; omit for a personal key.")
    expires_at = StorableDateTimeSerializerField(required=False, allow_null=True, default=None)
    allowed_networks = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


class KeyRotateSerializer(serializers.Serializer):
    grace_hours = serializers.IntegerField(min_value=0, max_value=MAX_GRACE_HOURS, default=DEFAULT_GRACE_HOURS)


class DailyUsageSerializer(serializers.Serializer):
    day = serializers.DateField()
    calls = serializers.IntegerField()
    bytes = serializers.IntegerField()
    mean_latency_ms = serializers.IntegerField()


class EndpointUsageSerializer(serializers.Serializer):
    endpoint = serializers.CharField()
    calls = serializers.IntegerField()
    bytes = serializers.IntegerField()


class StatusUsageSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    calls = serializers.IntegerField()


class QuotaSerializer(serializers.Serializer):
    key = serializers.CharField(source="key.prefix")
    name = serializers.CharField(source="key.name")
    daily_quota = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    since = serializers.DateField()
    total_calls = serializers.IntegerField()
    daily = DailyUsageSerializer(many=True)
    endpoints = EndpointUsageSerializer(many=True)
    statuses = StatusUsageSerializer(many=True)
    quota = QuotaSerializer(many=True, help_text="Today's remaining quota of each active key.")
