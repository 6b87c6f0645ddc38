"""Shapes of the quality API: the metadata score card (quality.metadata_score.score_card)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


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
