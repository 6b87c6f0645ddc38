"""A dataset's metadata quality score: 0-100, the sum of the weights of the criteria it meets.

In the spirit of data.gouv.fr's metadata quality score (licence, temporal and spatial coverage,
update frequency, description, resources, open formats, availability), with the white paper's
additions: keywords, a theme, a contact point, formats that match the bytes, described tables,
an English title. Each criterion is one small function of `Facts` (the dataset and its resources,
each resource with its link check), listed once in CRITERIA with its weight, its label and how to
fix it; the publisher sees the whole card (`score_card`), lists and search the stored number
(Dataset.metadata_score, kept current by quality.services.scores). Below LOW_SCORE a dataset
needs attention.

The criteria about resources fail for a dataset without any: there is nothing to check, and the
fix is the same (add a resource). Cheap in bulk: `scores_for(queryset)` reads a batch with three queries (datasets, themes,
resources with their link checks); nothing per dataset.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.utils.translation import gettext_lazy as _

from core.uploads import check_claimed_format
from datasets.models import Dataset, Resource, UpdateFrequency

from .tables import TABULAR_FORMATS

LOW_SCORE = 60
# Characters of the Chinese text (denser than French: data.gouv.fr asks 100 of a description);
# the how-to-fix texts of "title" and "description" say these numbers.
TITLE_MIN_CHARS = 6
DESCRIPTION_MIN_CHARS = 50


@dataclass
class Facts:
    dataset: Dataset
    resources: list


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: int
    label: str
    how_to_fix: str
    check: object  # Facts -> bool


def current_link_check(resource):
    """The resource's link check, when it checked the link the resource has now (else None)."""
    check = getattr(resource, "link_check", None)
    return check if check is not None and check.url == resource.url else None


def formats_agree(declared, detected):
    """Whether a declared format is one the detected bytes satisfy (core.uploads' rule for uploads)."""
    try:
        check_claimed_format(declared, detected)
    except ValidationError:
        return False
    return bool(declared)


def _tabular(resource):
    return resource.format.upper() in TABULAR_FORMATS


def has_useful_title(facts):
    title = facts.dataset.title.strip()
    return len(title) >= TITLE_MIN_CHARS and title != facts.dataset.identifier


def has_useful_description(facts):
    return len(" ".join(facts.dataset.description.split())) >= DESCRIPTION_MIN_CHARS


def has_keywords(facts):
    return any(str(keyword).strip() for keyword in facts.dataset.keywords or [])


def has_theme(facts):
    return bool(facts.dataset.themes.all())


def has_licence(facts):
    return bool(facts.dataset.licence_id or facts.dataset.licence_text.strip())


def has_contact_point(facts):
    return bool(facts.dataset.contact_email)


def declares_update_frequency(facts):
    return facts.dataset.update_frequency not in ("", UpdateFrequency.IRREGULAR)


def has_temporal_coverage(facts):
    return bool(facts.dataset.temporal_start or facts.dataset.temporal_end)


def has_spatial_coverage(facts):
    dataset = facts.dataset
    geojson = getattr(dataset, "has_geojson", None)
    if geojson is None:  # not annotated (one dataset, not a batch)
        geojson = dataset.spatial_geojson is not None
    return bool(dataset.spatial_region.strip() or dataset.spatial_bbox or geojson)


def has_resources(facts):
    return bool(facts.resources)


def _format_matches(resource):
    if resource.kind == Resource.Kind.FILE:
        # Set from the bytes at upload (core.uploads.inspect_upload), never from the uploader's word.
        return bool(resource.current_version_id and resource.format)
    check = current_link_check(resource)
    if check is None or not check.detected_format:
        return bool(resource.format)  # not read yet: the declared format stands
    return formats_agree(resource.format, check.detected_format)


def formats_match_bytes(facts):
    return bool(facts.resources) and all(_format_matches(resource) for resource in facts.resources)


def _described(field):
    return isinstance(field, dict) and any(str(field.get(key) or "").strip() for key in ("description", "title"))


def _has_described_schema(resource):
    schema = resource.table_schema if isinstance(resource.table_schema, dict) else {}
    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    return bool(fields) and all(_described(field) for field in fields)


def tables_have_described_schema(facts):
    return bool(facts.resources) and all(_has_described_schema(resource) for resource in facts.resources
                                         if _tabular(resource))


def has_english_title(facts):
    return bool(facts.dataset.title_en.strip())


def links_work(facts):
    return bool(facts.resources) and not any((check := current_link_check(resource)) is not None and check.is_broken
                   for resource in facts.resources if resource.kind == Resource.Kind.URL)


CRITERIA = (
    Criterion("title", 5, _("标题清楚"), _("标题至少 6 个字，说明数据是什么、哪里、何时，不要只写标识符。"),
              has_useful_title),
    Criterion("description", 10, _("描述充分"), _("描述至少 50 个字：内容、来源、采集方法、各字段含义和使用限制。"),
              has_useful_description),
    Criterion("keywords", 5, _("有关键词"), _("添加几个关键词，方便检索。"), has_keywords),
    Criterion("theme", 5, _("有主题"), _("选择至少一个主题。"), has_theme),
    Criterion("licence", 10, _("有许可协议"), _("选择许可协议，说明数据可以怎样使用。"), has_licence),
    Criterion("contact", 5, _("有联系方式"), _("填写联系邮箱，让使用者能提出问题。"), has_contact_point),
    Criterion("update_frequency", 10, _("声明更新频率"), _("选择实际的更新频率（不要选“不定期”），并按期更新。"),
              declares_update_frequency),
    Criterion("temporal", 5, _("有时间范围"), _("填写数据覆盖的时间范围。"), has_temporal_coverage),
    Criterion("spatial", 5, _("有空间范围"), _("填写空间范围（行政区划）或边界框。"), has_spatial_coverage),
    Criterion("resources", 10, _("至少有一个资源"), _("上传数据文件或添加数据链接。"), has_resources),
    Criterion("formats", 10, _("格式与内容一致"),
              _("每个资源都要有格式，且与文件内容一致；外部链接的格式应与链接检查读到的一致。"), formats_match_bytes),
    Criterion("table_schema", 10, _("表格有字段说明"),
              _("为每个表格资源填写表结构（Table Schema），给每个字段写标题或说明。"), tables_have_described_schema),
    Criterion("title_en", 5, _("有英文标题"), _("填写英文标题，方便外文用户查找。"), has_english_title),
    Criterion("links", 5, _("链接有效"), _("修复或替换链接检查发现失效的外部链接。"), links_work),
)
assert sum(criterion.weight for criterion in CRITERIA) == 100


def _card(facts):
    rows = [{"code": criterion.code, "label": str(criterion.label), "weight": criterion.weight,
             "passed": bool(criterion.check(facts)), "how_to_fix": str(criterion.how_to_fix)}
            for criterion in CRITERIA]
    return {"score": sum(row["weight"] for row in rows if row["passed"]), "criteria": rows}


def score_card(dataset):
    """{"score": 0-100, "criteria": [{code, label, weight, passed, how_to_fix}]} of one dataset."""
    prefetch_related_objects([dataset], "themes", "resources__link_check")
    return _card(Facts(dataset, list(dataset.resources.all())))


def scored_datasets(queryset=None):
    """Datasets with what the criteria read fetched in bulk (the GeoJSON only as "is there one")."""
    queryset = Dataset.objects.all() if queryset is None else queryset
    return (queryset.defer("spatial_geojson")
            .annotate(has_geojson=ExpressionWrapper(Q(spatial_geojson__isnull=False), output_field=BooleanField()))
            .prefetch_related("themes", Prefetch("resources", queryset=Resource.objects.select_related("link_check"))))


def score_cards(queryset):
    """{dataset id: score card} for a queryset of datasets, in a fixed number of queries."""
    return {dataset.pk: _card(Facts(dataset, list(dataset.resources.all())))
            for dataset in scored_datasets(queryset)}


def scores_for(queryset):
    """{dataset id: (stored score, new score)} for a queryset of datasets, in a fixed number of queries."""
    return {dataset.pk: (dataset.metadata_score, _card(Facts(dataset, list(dataset.resources.all())))["score"])
            for dataset in scored_datasets(queryset)}
