"""Shapes of the search API (read-only: the request side is query parameters, see search.api)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from datasets.serializers import DatasetListSerializer

from .backends.base import FACETS


class SearchHitSerializer(DatasetListSerializer):
    """A dataset summary, plus why it matched."""

    score = serializers.SerializerMethodField(help_text=_("相关度得分；按其他方式排序或无搜索词时无意义。"))
    highlights = serializers.SerializerMethodField(
        help_text=_("匹配的字段（title、description）及其片段：HTML 已转义，匹配处以 <mark> 标出。")
    )

    class Meta(DatasetListSerializer.Meta):
        fields = [*DatasetListSerializer.Meta.fields, "score", "highlights"]

    def get_score(self, dataset) -> float:
        return dataset.search_hit.score

    def get_highlights(self, dataset) -> dict[str, str]:
        return dataset.search_hit.highlights


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text=_("作为筛选参数传回的取值。"))
    label = serializers.CharField(help_text=_("当前语言的显示名称。"))
    count = serializers.IntegerField(help_text=_("选中此值后的结果数（同一分面内的其他选择不计入）。"))
    selected = serializers.BooleanField()


FacetsSerializer = type("FacetsSerializer", (serializers.Serializer,), {
    "__doc__": "Every facet's values, most frequent first.",
    **{facet: FacetValueSerializer(many=True) for facet in FACETS},
})


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="total", help_text=_("调用者可见的匹配数据集总数。"))
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    degraded = serializers.BooleanField(
        help_text=_("为 true 时搜索引擎不可用，结果由数据库检索给出（相关度排序较简单）。")
    )
    results = SearchHitSerializer(source="datasets", many=True)
    facets = FacetsSerializer()


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["dataset", "keyword", "organization"])
    value = serializers.CharField(help_text=_("数据集标识符、关键词或组织标识。"))
    label = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


class RelatedResponseSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
