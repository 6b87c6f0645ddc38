"""Shapes of the contributions API. Write serializers check shape only; contributions.services applies the rules."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import JSONValueField, StrictSerializer, text_field
from datasets.models import OpenGrade
from datasets.serializers import DatasetRefSerializer, OrganizationRefSerializer

from .models import Comment, Contribution, Kind, Provenance, Transition
from .selectors import provenance_of


def username_field():
    # The user may have been deleted (SET_NULL), and a draft has no reviewer.
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = Transition
        fields = ["from_status", "to_status", "actor", "comment", "created"]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_label", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "field", "body", "created"]


class ContributionSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    target_organization = OrganizationRefSerializer(read_only=True)
    # Null until known: a new dataset's contribution has no dataset, nothing is merged before the merge.
    dataset = DatasetRefSerializer(read_only=True, allow_null=True)
    merged_dataset = DatasetRefSerializer(read_only=True, allow_null=True)
    resource = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    submitted_by = username_field()
    reviewer = username_field()

    class Meta:
        model = Contribution
        fields = [
            "id", "kind", "status", "title", "enterprise", "target_organization", "dataset", "resource",
            "metadata", "message", "filename", "format", "size", "sha256", "validation", "pii",
            "review_comments", "submitted_by", "reviewer", "approved_grade", "masked_columns", "merged_dataset",
            "created", "modified", "submitted_at",
        ]


class ContributionDetailSerializer(ContributionSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)
    comments = CommentSerializer(many=True, read_only=True)

    class Meta(ContributionSerializer.Meta):
        fields = [*ContributionSerializer.Meta.fields, "report", "changes_summary", "transitions", "comments"]


class ContributionCreateSerializer(StrictSerializer):
    enterprise = serializers.CharField(required=False, help_text=_("贡献企业的标识（slug）；用 API 密钥时为密钥所属企业。"))
    kind = serializers.ChoiceField(choices=Kind.choices)
    organization = serializers.CharField(required=False, help_text=_("新数据集的目标政府部门（slug）。"))
    dataset = serializers.CharField(required=False, help_text=_("已有数据集的标识符（新资源、元数据更正）。"))
    resource = serializers.IntegerField(required=False, help_text=_("资源编号（资源新版本）。"))
    metadata = JSONValueField(required=False, help_text=_("数据集字段（新数据集、更正）或资源字段 name、description。"))
    message = text_field()
    file = serializers.FileField(required=False)
    sha256 = serializers.CharField(required=False, allow_blank=True, help_text=_("文件的 SHA-256，用于核对上传完整性。"))
    submit = serializers.BooleanField(required=False, default=False, help_text=_("为 true 时直接提交（否则为草稿）。"))


class ContributionUpdateSerializer(StrictSerializer):
    metadata = JSONValueField(required=False)
    message = text_field()
    file = serializers.FileField(required=False)
    sha256 = serializers.CharField(required=False, allow_blank=True)


class CommentCreateSerializer(StrictSerializer):
    body = text_field(required=True)


class SubmitSerializer(StrictSerializer):
    comment = text_field()


class ContributionApproveSerializer(StrictSerializer):
    open_grade = serializers.ChoiceField(choices=OpenGrade.choices)
    mask_columns = serializers.ListField(child=serializers.CharField(), required=False,
                                         help_text=_("合并时脱敏的列（含个人信息的列）。"))
    comment = text_field()


class RequestChangesSerializer(StrictSerializer):
    comment = text_field()
    field_comments = serializers.DictField(child=serializers.CharField(), required=False,
                                           help_text=_("按字段的修改意见：{字段: 意见}。"))


class ContributionReasonSerializer(StrictSerializer):
    reason = text_field(required=True)


class ProvenanceSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    contribution = serializers.PrimaryKeyRelatedField(read_only=True)
    resource = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Provenance
        fields = ["enterprise", "contribution", "kind", "resource", "created"]


def describe_provenance(dataset):
    """The catalog API's `provenance` of a dataset (registered in ContributionsConfig.ready)."""
    return ProvenanceSerializer(provenance_of(dataset), many=True).data
