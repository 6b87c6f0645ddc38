"""Shapes of the search API (read-only: the request side is query parameters, see search.api).

The declared fields are the documented shape (the OpenAPI schema). A search
answer is written by `to_representation` directly instead (a hit as the
catalog list writes its entries, datasets.serializers.DatasetListSerializer):
rendering twenty hits and a few hundred facet values field by field cost DRF
more time than Elasticsearch took to find them (bench/search_bench.py). The tests check the
answer against the schema and each hit against the catalog's own list entry.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from datasets.serializers import DatasetListSerializer

from .backends.base import FACETS


class SearchHitSerializer(DatasetListSerializer):
    """A dataset as the catalog lists it, plus why it matched; renders a search.summaries.DatasetSummary."""

    formats = serializers.ListField(child=serializers.CharField(), help_text=_("各资源的格式，去重。"))
    rank = serializers.IntegerField(min_value=1, help_text=_("在全部结果中的名次，从 1 起（含之前各页）。"))
    highlights = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("匹配的字段（title、description）及其片段：HTML 已转义，匹配处以 <mark> 标出。"),
    )

    class Meta(DatasetListSerializer.Meta):
        fields = [*DatasetListSerializer.Meta.fields, "rank", "highlights"]

    def to_representation(self, summary):
        return {**super().to_representation(summary), "rank": summary.rank, "highlights": summary.highlights}


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
    did_you_mean = serializers.CharField(allow_null=True, help_text=_(
        "查询中有索引词汇里没有的词、结果包含拼写相近的词时，给出更正后的查询；否则为 null。"))
    results = SearchHitSerializer(many=True)
    facets = FacetsSerializer()

    def to_representation(self, outcome):
        hit = self.fields["results"].child
        return {
            "count": outcome.total,
            "page": outcome.page,
            "page_size": outcome.page_size,
            "degraded": outcome.degraded,
            "did_you_mean": outcome.did_you_mean or None,
            "results": [hit.to_representation(summary) for summary in outcome.results],
            # Already {value, label, count, selected} rows (search.searching.facet_options).
            "facets": {facet: outcome.facets[facet] for facet in FACETS},
        }


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["dataset", "keyword", "organization"])
    value = serializers.CharField(help_text=_("数据集标识符、关键词或组织标识。"))
    label = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


class RelatedResponseSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
