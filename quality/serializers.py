"""Shapes of the quality API's JSON bodies (the OpenAPI schema): reports (from quality.selectors) and the
metadata score card (quality.metadata_score.score_card), timeliness and the attention list (quality.attention)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.localization import localized_text
from datasets.serializers import OrganizationRefSerializer, absolute_url

from .attention import Reason
from .timeliness import Timeliness, timeliness_of


class QualityDetailsSerializer(serializers.Serializer):
    format = serializers.CharField(allow_null=True)
    encoding = serializers.CharField(allow_null=True)
    header = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_null=True)
    fatal = serializers.CharField(allow_null=True, help_text="Why the file could not be read, if it could not.")
    errors = serializers.JSONField(help_text="{kind: {count, examples: [{row, field, cell, message}]}}")
    warnings = serializers.JSONField(help_text="Same shape: columns entirely empty (the file stays valid).")
    schema = serializers.JSONField(allow_null=True, help_text="The Table Schema the file was checked against.")
    schema_source = serializers.ChoiceField(choices=["target", "inferred"], allow_null=True)
    personal_data = serializers.JSONField(help_text="{column: {id_card|mobile|email|bank_card: cells}}")
    attempts = serializers.IntegerField()


class QualityReportSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed"])
    finished = serializers.DateTimeField(allow_null=True)
    tabular = serializers.BooleanField()
    unreadable = serializers.BooleanField()
    rows = serializers.IntegerField(allow_null=True)
    columns = serializers.IntegerField(allow_null=True)
    valid = serializers.BooleanField(allow_null=True, help_text="Null until the check is done.")
    problems = serializers.IntegerField(help_text="Errors found, all kinds together.")
    warnings = serializers.IntegerField()
    personal_data_held = serializers.BooleanField(
        help_text="Personal data found in an open or conditional resource: its file is held back from "
                  "everyone outside its organization until the publisher masks it.")
    details = QualityDetailsSerializer(required=False, help_text="Only for the organization's publishers and staff.")


class MaskResultSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The new, masked version.")
    masked_columns = serializers.ListField(child=serializers.CharField(allow_blank=True))
    quality = QualityReportSerializer(allow_null=True, help_text="The new version's report (null while pending).")


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("标准的代码，如 licence。"))
    label = serializers.CharField()
    weight = serializers.IntegerField(help_text=_("达标时得到的分数；各项合计 100。"))
    passed = serializers.BooleanField()
    how_to_fix = serializers.CharField(help_text=_("未达标时如何改进。"))


class ScoreCardSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=100, help_text=_("现在的元数据质量分（0-100）。"))
    low_score = serializers.IntegerField(help_text=_("低于此分的数据集需要完善。"))
    needs_attention = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)


class TimelinessSerializer(serializers.Serializer):
    """quality.timeliness.timeliness_of's answer: (state, due, last update)."""

    state = serializers.ChoiceField(choices=Timeliness.choices)
    due = serializers.DateField(allow_null=True, help_text=_("应更新的日期；未声明或不再更新时为空。"))
    last_update = serializers.DateTimeField(allow_null=True, help_text=_("最近一次数据更新的时间。"))

    def to_representation(self, instance):
        state, due, last_update = instance
        return super().to_representation({"state": state, "due": due, "last_update": last_update})


class IssueSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    label = serializers.CharField()
    detail = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    fix_url = serializers.SerializerMethodField(help_text=_("处理此问题的页面。"))

    def get_fix_url(self, issue) -> str:
        return self.context["request"].build_absolute_uri(issue.fix_url)


class AttentionSerializer(serializers.Serializer):
    """One quality.attention.Attention row: a dataset and why it needs attention."""

    identifier = serializers.CharField(source="dataset.identifier")
    url = serializers.SerializerMethodField(help_text=_("此数据集在 API 中的地址。"))
    title = serializers.SerializerMethodField(help_text=_("标题，按请求的语言。"))
    state = serializers.CharField(source="dataset.state")
    open_grade = serializers.CharField(source="dataset.open_grade")
    issues = IssueSerializer(many=True)

    def get_url(self, row) -> str:
        return absolute_url(self.context, "api-dataset-detail", row.dataset.identifier)

    def get_title(self, row) -> str:
        return localized_text(row.dataset, "title").text


class AttentionPageSerializer(serializers.Serializer):
    """A page of an organization's attention list, with the counts per reason of the whole list."""

    organization = OrganizationRefSerializer()
    total = serializers.IntegerField(help_text=_("需要处理的数据集总数（不论筛选）。"))
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("每个原因的数据集数量。"))
    count = serializers.IntegerField(help_text=_("符合筛选的数据集数量。"))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AttentionSerializer(many=True)


def describe_timeliness(dataset):
    """The catalog API's `timeliness` of a dataset (registered with datasets.timeliness)."""
    return TimelinessSerializer(timeliness_of(dataset)).data
