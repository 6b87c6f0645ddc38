"""Shapes of the quality API (read-only)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.localization import localized_text
from datasets.serializers import OrganizationRefSerializer, absolute_url

from .attention import Reason
from .timeliness import Timeliness, timeliness_of


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
