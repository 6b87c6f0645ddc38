"""Shapes of the quality API's JSON bodies (the OpenAPI schema): reports (from quality.selectors) and the
metadata score card (quality.metadata_score.score_card)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


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
