"""Shapes of the access API. Write serializers check shape only; access.services applies the rules."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from audit.models import AuditEntry
from core.serializers import StrictSerializer, text_field
from datasets.serializers import DatasetRefSerializer, OrganizationRefSerializer

from .models import AccessApplication, Grant, UsageReport


def username_field():
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class ApplicationSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    dataset = DatasetRefSerializer(read_only=True)
    applicant = username_field()
    reviewer = username_field()
    resources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    grant = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                               help_text=_("批准后生成的授权编号。"))

    class Meta:
        model = AccessApplication
        fields = [
            "id", "enterprise", "dataset", "applicant", "purpose", "intended_use", "resources", "data_fields",
            "period_start", "period_end", "terms_accepted", "status", "renewal_of", "reviewer",
            "decision_reason", "decided_at", "grant", "created", "modified",
        ]


class PeriodSerializer(StrictSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    terms_accepted = serializers.BooleanField(help_text=_("须为 true：接受数据集的使用条款。"))


class RenewSerializer(PeriodSerializer):
    """A renewal: the earlier application's answers are kept unless given again."""

    purpose = text_field()
    intended_use = text_field()
    data_fields = text_field()
    resources = serializers.ListField(child=serializers.IntegerField(), required=False)


class ApplicationCreateSerializer(RenewSerializer):
    enterprise = serializers.CharField(help_text=_("申请企业的标识（slug）。"))
    dataset = serializers.CharField(help_text=_("数据集标识符。"))
    purpose = text_field(required=True)
    intended_use = text_field(required=True)


class ApproveSerializer(StrictSerializer):
    terms = text_field(required=True, help_text=_("使用条款。"))
    expires_on = serializers.DateField(help_text=_("授权到期日期（含当日）。"))


class ReasonSerializer(StrictSerializer):
    reason = text_field(required=True)


class GrantSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    dataset = DatasetRefSerializer(read_only=True)
    granted_by = username_field()
    revoked_by = username_field()
    state = serializers.ChoiceField(choices=Grant.State.choices, read_only=True)
    has_usage_report = serializers.SerializerMethodField(help_text=_("是否已提交使用成果报告（续期的前提）。"))

    class Meta:
        model = Grant
        fields = [
            "id", "application", "enterprise", "dataset", "terms", "starts_at", "expires_at", "state",
            "granted_by", "revoked_at", "revoked_by", "revocation_reason", "has_usage_report", "created",
        ]

    def get_has_usage_report(self, grant) -> bool:
        return grant.usage_reports.exists()


class UsageReportSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    dataset = DatasetRefSerializer(read_only=True)

    class Meta:
        model = UsageReport
        fields = ["id", "grant", "enterprise", "dataset", "title", "description", "url", "is_public", "created"]


class UsageReportCreateSerializer(StrictSerializer):
    grant = serializers.IntegerField(help_text=_("授权编号。"))
    title = text_field(required=True)
    description = text_field(required=True)
    url = text_field()
    is_public = serializers.BooleanField(required=False, default=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username", read_only=True)
    organization = serializers.CharField(source="organization_label", read_only=True)
    dataset = serializers.CharField(source="dataset_identifier", read_only=True)
    resource = serializers.CharField(source="resource_label", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "created", "action", "actor", "key_prefix", "organization", "dataset", "resource_id",
                  "resource", "bytes", "ip_address", "detail"]
