"""The evaluation API's shapes (read-only): indicator definitions and snapshot figures."""
from rest_framework import serializers

from datasets.serializers import OrganizationRefSerializer

from .facts import AUDIENCES


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    layer = serializers.CharField()
    label = serializers.CharField()
    measures = serializers.CharField(help_text="What the indicator measures.")
    computed = serializers.CharField(help_text="How it is computed.")
    unit = serializers.CharField()
    unit_label = serializers.CharField()
    public = serializers.BooleanField(source="is_public", help_text="False for a staff-only indicator.")
    per_organization = serializers.BooleanField(help_text="False for a platform-wide figure only.")
    scoring = serializers.CharField(help_text="How its value becomes a 0-100 score; empty when not scored.")
    available = serializers.BooleanField(help_text="False: nothing to count yet (not available, not zero).")


class LayerSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField(help_text="Weight in the composite score, percent.")


class FiguresSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.JSONField(allow_null=True), help_text=(
        "Indicator code -> value (a number, or {grade or theme code: number} for a breakdown); null is "
        "\"no data\"; indicators not available and platform-only ones are absent."))
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="Code -> 0-100 score.")
    layers = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="Layer -> 0-100 score.")
    score = serializers.FloatField(allow_null=True, help_text="Composite score; null: no data.")
    rank = serializers.IntegerField(allow_null=True, help_text="Rank among the organizations; null: not ranked.")


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    taken = serializers.DateTimeField()


class EvaluationSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    audience = serializers.ChoiceField(choices=AUDIENCES)
    taken = serializers.DateTimeField(allow_null=True, help_text="When the month's snapshot was computed; null: none.")
    months = MonthSerializer(many=True, help_text="Months with a snapshot, newest first.")
    platform = FiguresSerializer(allow_null=True, help_text="The platform's figures; null: no snapshot.")
    organizations = serializers.IntegerField(help_text="Organizations in the month's snapshot.")
    indicators = IndicatorSerializer(many=True)
    layers = LayerSerializer(many=True)
    ranking_rule = serializers.ListField(child=serializers.CharField())
    readiness = serializers.CharField(help_text="Why the Fudan index's readiness layer is not computed.")


class OrganizationFiguresSerializer(FiguresSerializer):
    organization = OrganizationRefSerializer()


class OrganizationMonthSerializer(FiguresSerializer):
    month = serializers.CharField(help_text="YYYY-MM")
    taken = serializers.DateTimeField()


class OrganizationHistorySerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    audience = serializers.ChoiceField(choices=AUDIENCES)
    months = OrganizationMonthSerializer(many=True, help_text="Every month with a snapshot, oldest first.")
