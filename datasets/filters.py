"""Query-string filters of the dataset list.

Every filter narrows a queryset that datasets.selectors has already limited
to what the caller may see, so no filter can reveal a hidden dataset. Unknown
vocabulary values (organization, theme, licence, grade, state), malformed
dates or ones the database cannot hold, empty typed values and repeated
parameters are refused with a 400 naming the parameter rather than ignored.
"""
import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import StorableDateTimeFilter, StrictFilterSet
from organizations.selectors import listed_organizations

from . import selectors
from .facets import quality_range
from .models import Dataset, Licence, OpenGrade, Resource, Theme


def stable_order(queryset):
    """The queryset's order (the model's by default) with the primary key as a tie-breaker, so pages never overlap."""
    return queryset.order_by(*(queryset.query.order_by or queryset.model._meta.ordering), "-pk")


class StableOrderingFilter(django_filters.OrderingFilter):
    def filter(self, qs, value):
        return stable_order(super().filter(qs, value))


class DatasetFilter(StrictFilterSet):
    organization = django_filters.ModelChoiceFilter(
        queryset=lambda request: listed_organizations(), to_field_name="slug", help_text=_("组织标识（slug）。")
    )
    # A method filter hides the value type from the schema generator; it is a theme code.
    theme = extend_schema_field(OpenApiTypes.STR)(django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), to_field_name="code", method="filter_theme",
        help_text=_("主题代码；上级主题包含其下级主题。"),
    ))
    keyword = django_filters.CharFilter(method="filter_keyword", help_text=_("关键词（完全匹配）。"))
    format = django_filters.CharFilter(method="filter_format", help_text=_("资源格式，不区分大小写，如 CSV。"))
    open_grade = django_filters.ChoiceFilter(choices=OpenGrade.choices, help_text=_("开放等级。"))
    licence = django_filters.ModelChoiceFilter(
        queryset=Licence.objects.all(), to_field_name="code", help_text=_("许可协议代码。")
    )
    state = django_filters.ChoiceFilter(
        choices=Dataset.State.choices, help_text=_("状态；默认只列出已发布的数据集。")
    )
    modified_after = StorableDateTimeFilter(
        field_name="modified", lookup_expr="gte", help_text=_("修改时间不早于（ISO 日期或日期时间）。")
    )
    modified_before = StorableDateTimeFilter(
        field_name="modified", lookup_expr="lt", help_text=_("修改时间早于（ISO 日期或日期时间）。")
    )
    q = django_filters.CharFilter(method="filter_text", help_text=_("在标题和描述中查找。"))
    quality = django_filters.CharFilter(method="filter_quality", help_text=_(
        "元数据质量分的范围“低-高”（0-100），如 60-100；尚未计算的不在任何范围内。"))
    ordering = StableOrderingFilter(
        fields=("title", "modified", "published_at", "download_count", "metadata_score"),
        help_text=_("排序字段，前加 - 表示降序。"),
    )

    class Meta:
        model = Dataset
        fields = []

    def filter_theme(self, queryset, name, theme):
        return selectors.filter_theme(queryset, theme)

    def filter_keyword(self, queryset, name, value):
        return selectors.filter_keyword(queryset, value.strip())

    def filter_format(self, queryset, name, value):
        # A subquery, not a join: a dataset with two CSV files is listed once.
        matching = Resource.objects.filter(format__iexact=value.strip().lstrip("."))
        return queryset.filter(pk__in=matching.values("dataset_id"))

    def filter_quality(self, queryset, name, value):
        bounds = quality_range(value)
        if bounds is None:
            raise ValidationError({"quality": _("应为 0 到 100 之间的“低-高”，如 60-79。")})
        return queryset.filter(metadata_score__gte=bounds[0], metadata_score__lte=bounds[1])

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
