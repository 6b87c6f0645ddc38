"""Shapes of the catalog API.

They turn catalog objects into JSON; every fact about what the caller may
see or download comes from datasets.grading. The write shapes are in
datasets.write_serializers.
"""
from types import SimpleNamespace
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import ISO_8601, api_settings

from core.localization import (
    API_LANGUAGE_NAMES,
    API_LANGUAGES,
    api_languages,
    localized_text,
    text_chooser,
)
from organizations.models import Organization

from . import grading
from .models import (
    Activity,
    Dataset,
    Licence,
    OpenGrade,
    Resource,
    ResourceVersion,
    Theme,
)
from .provenance import provenance_of
from .timeliness import timeliness_of

# What reverse() leaves unquoted in a path (django.urls.resolvers).
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


def absolute_url(context, name, *args):
    return context["request"].build_absolute_uri(reverse(name, args=args))


def caller_can_download(request, dataset, versions=()):
    # The viewer carries the request's API key (request.auth): conditional data goes to granted keys.
    return grading.viewer_for(request).can_download(dataset, versions)


# --- vocabularies and organizations -----------------------------------------

@extend_schema_field({"type": "string"})
class LocalizedField(serializers.Field):
    """A bilingual field in the request's language, else in the other one (core.localization)."""

    def __init__(self, field, **kwargs):
        self.localized = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return localized_text(obj, self.localized).text


class LanguagesField(serializers.Field):
    """Which language each localized field of this object is shown in."""

    def __init__(self, *fields, **kwargs):
        self.fields = fields
        super().__init__(source="*", read_only=True, **kwargs)
        extend_schema_field({
            "type": "object", "additionalProperties": False, "required": list(fields),
            "description": "The language each localized field is shown in: the one asked for (`lang`, "
                           "else Accept-Language, else zh) when that text is set, else the other one.",
            "properties": {field: {"type": "string", "enum": list(API_LANGUAGES)} for field in fields},
        })(self)

    def to_representation(self, obj):
        return api_languages(obj, self.fields)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LocalizedListField(LocalizedField):
    """A bilingual list (keywords)."""


class LicenceSerializer(serializers.ModelSerializer):
    title = LocalizedField("title")
    language = LanguagesField("title")

    class Meta:
        model = Licence
        fields = ["code", "title", "title_zh", "title_en", "language", "url", "is_open"]


class OrganizationSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")
    description = LocalizedField("description")
    description_zh = serializers.CharField(source="description", read_only=True)
    language = LanguagesField("name", "description")
    dataset_count = serializers.IntegerField(
        read_only=True, help_text=_("调用者可见的已发布数据集数量。")
    )
    average_metadata_score = serializers.SerializerMethodField(help_text=_(
        "调用者可见的已发布数据集的平均元数据质量分（保留一位小数）；没有已评分的数据集时为空。"))

    class Meta:
        model = Organization
        fields = [
            "slug", "kind", "name", "name_zh", "name_en", "description", "description_zh", "description_en",
            "language", "logo",
            "contact_email", "contact_phone", "website", "dataset_count", "average_metadata_score",
        ]

    def get_average_metadata_score(self, organization) -> float | None:
        average = organization.average_metadata_score
        return None if average is None else round(float(average), 1)


class ThemeSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")
    description = LocalizedField("description")
    language = LanguagesField("name", "description")
    dataset_count = serializers.IntegerField(
        read_only=True, help_text=_("调用者可见的已发布数据集数量，上级主题含其下级主题的数据集。")
    )

    class Meta:
        model = Theme
        fields = ["code", "name", "name_zh", "name_en", "description", "description_zh", "description_en",
                  "language", "dataset_count"]


class ThemeTreeSerializer(ThemeSerializer):
    """A top-level theme with its sub-themes (selectors.theme_tree_with_counts)."""

    children = ThemeSerializer(source="sub_themes", many=True, read_only=True)

    class Meta(ThemeSerializer.Meta):
        fields = [*ThemeSerializer.Meta.fields, "children"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Organization
        fields = ["slug", "name"]


class ThemeRefSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Theme
        fields = ["code", "name"]


class LicenceRefSerializer(serializers.ModelSerializer):
    title = LocalizedField("title")

    class Meta:
        model = Licence
        fields = ["code", "title", "url"]


# --- resources ----------------------------------------------------------------

class ResourceSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")
    name_zh = serializers.CharField(source="name", read_only=True)
    description = LocalizedField("description")
    description_zh = serializers.CharField(source="description", read_only=True)
    language = LanguagesField("name", "description")
    version = serializers.SerializerMethodField(help_text=_("当前版本号；外部链接为空。"))
    download_url = serializers.SerializerMethodField(help_text=_("文件的下载地址，或外部链接。"))
    can_download = serializers.SerializerMethodField(help_text=_("调用者能否获取数据。"))

    class Meta:
        model = Resource
        fields = [
            "id", "name", "name_zh", "name_en", "description", "description_zh", "description_en", "language",
            "kind", "format", "media_type", "size", "sha256", "version",
            "url", "download_url", "can_download", "table_schema", "download_count", "created", "modified",
        ]

    def get_version(self, resource) -> int | None:
        return resource.current_version.number if resource.current_version_id else None

    def get_download_url(self, resource) -> str:
        if resource.kind == Resource.Kind.URL:
            return resource.url
        return absolute_url(self.context, "resource-download", resource.pk)

    def get_can_download(self, resource) -> bool:
        # A file held back for personal data (grading) is not downloadable, whatever the grade allows.
        versions = (resource.current_version,) if resource.kind == Resource.Kind.FILE else ()
        return caller_can_download(self.context["request"], resource.dataset, versions)


class ResourceVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ResourceVersion
        fields = ["number", "filename", "format", "media_type", "size", "sha256", "created_by", "created",
                  "download_url"]

    def get_download_url(self, version) -> str:
        return absolute_url(self.context, "resource-version-download", version.resource_id, version.number)


class DatasetRefSerializer(serializers.ModelSerializer):
    title = LocalizedField("title")

    class Meta:
        model = Dataset
        fields = ["identifier", "title", "open_grade", "state"]


class ResourceDetailSerializer(ResourceSerializer):
    dataset = DatasetRefSerializer(read_only=True)
    versions = ResourceVersionSerializer(many=True, read_only=True)

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "dataset", "versions"]


# --- datasets -----------------------------------------------------------------

DATASET_BILINGUAL_FIELDS = ("title", "description", "keywords")

class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    time = serializers.DateTimeField(source="created", read_only=True)

    class Meta:
        model = Activity
        fields = ["action", "object_type", "object_label", "actor", "time", "changes"]


class DatasetSerializer(serializers.ModelSerializer):
    """The fields every dataset answer has, written field by field (the detail)."""

    url = serializers.SerializerMethodField(help_text=_("此数据集在 API 中的地址。"))
    organization = OrganizationRefSerializer(read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    licence = LicenceRefSerializer(read_only=True, allow_null=True)
    formats = serializers.SerializerMethodField(help_text=_("各资源的格式，去重。"))
    title = LocalizedField("title")
    title_zh = serializers.CharField(source="title", read_only=True)
    description = LocalizedField("description")
    description_zh = serializers.CharField(source="description", read_only=True)
    keywords = LocalizedListField("keywords")
    keywords_zh = serializers.ListField(source="keywords", child=serializers.CharField(), read_only=True)
    keywords_en = serializers.ListField(child=serializers.CharField(), read_only=True)
    language = LanguagesField(*DATASET_BILINGUAL_FIELDS)

    class Meta:
        model = Dataset
        fields = [
            "identifier", "url", "title", "title_zh", "title_en", "description", "description_zh",
            "description_en", "language", "organization", "themes", "keywords", "keywords_zh", "keywords_en",
            "licence",
            "open_grade", "state", "update_frequency", "formats", "download_count", "metadata_score", "modified",
            "published_at",
        ]
        extra_kwargs = {"metadata_score": {"help_text": _(
            "元数据质量分（0-100，各项标准的权重之和）；尚未计算时为空。")}}

    def get_url(self, dataset) -> str:
        return absolute_url(self.context, "api-dataset-detail", dataset.identifier)

    def get_formats(self, dataset) -> list[str]:
        return sorted({resource.format for resource in dataset.resources.all() if resource.format})


def datetime_writer(zone):
    """What DRF's DateTimeField writes of a datetime in `zone` (ISO 8601, a zero offset as Z), with
    its per-value checks done once: a list of 100 entries wrote 200 datetimes (bench/catalog_bench.py).
    A naive datetime or another format setting is left to DRF."""
    field = serializers.DateTimeField(default_timezone=zone)
    iso = str(api_settings.DATETIME_FORMAT).lower() == ISO_8601

    def write(value):
        if value is None:
            return None
        if value.tzinfo is None or not iso:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return f"{text[:-6]}Z" if text.endswith("+00:00") else text
    return write


class DatasetListSerializer(DatasetSerializer):
    """A list entry (datasets.list_entries.ListEntry, or search's summary of one), written directly:
    field by field, DRF spent more time on a page of 100 than the database took to read it
    (bench/catalog_bench.py). The declared fields stay the documented shape; the tests hold the
    answer to the OpenAPI schema and to the detail's fields."""

    @cached_property
    def _shared(self):
        """What every entry of one answer is written with: its language, time zone and URL prefix."""
        return SimpleNamespace(
            choose=text_chooser(),
            datetime=datetime_writer(timezone.get_current_timezone()),
            # The detail route is the list's plus the identifier, quoted as reverse() quotes it.
            url=self.context["request"].build_absolute_uri(reverse("api-dataset-list")),
        )

    def to_representation(self, entry):
        shared = self._shared
        choose, datetime, organization, licence = shared.choose, shared.datetime, entry.organization, entry.licence
        title = choose(entry.title, entry.title_en)
        description = choose(entry.description, entry.description_en)
        keywords = choose(entry.keywords, entry.keywords_en)
        return {
            "identifier": entry.identifier,
            "url": f"{shared.url}{quote(entry.identifier, safe=URL_SAFE)}/",
            # DATASET_BILINGUAL_FIELDS: each shown, its Chinese and English texts, then the languages.
            "title": title.text, "title_zh": entry.title, "title_en": entry.title_en,
            "description": description.text, "description_zh": entry.description,
            "description_en": entry.description_en,
            "keywords": keywords.text, "keywords_zh": entry.keywords, "keywords_en": entry.keywords_en,
            "language": {"title": API_LANGUAGE_NAMES[title.language],
                         "description": API_LANGUAGE_NAMES[description.language],
                         "keywords": API_LANGUAGE_NAMES[keywords.language]},
            "organization": {"slug": organization.slug,
                             "name": choose(organization.name_zh, organization.name_en).text},
            "themes": [{"code": theme.code, "name": choose(theme.name_zh, theme.name_en).text}
                       for theme in entry.themes],
            "licence": {"code": licence.code, "title": choose(licence.title_zh, licence.title_en).text,
                        "url": licence.url} if licence else None,
            "open_grade": entry.open_grade,
            "state": entry.state,
            "update_frequency": entry.update_frequency,
            "formats": entry.formats,
            "download_count": entry.download_count,
            "metadata_score": entry.metadata_score,
            "modified": datetime(entry.modified),
            "published_at": datetime(entry.published_at),
        }


class DatasetDetailSerializer(DatasetSerializer):
    """One dataset with its resources and recent history; the view passes context["history"]."""

    resources = ResourceSerializer(many=True, read_only=True)
    can_download = serializers.SerializerMethodField(help_text=_("调用者能否获取此数据集的数据。"))
    access_note = serializers.SerializerMethodField(help_text=_("调用者不能获取数据时的说明。"))
    download_zip_url = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField(help_text=_("由企业贡献合并而来的记录。"))
    timeliness = serializers.SerializerMethodField(help_text=_("是否按声明的更新频率及时更新。"))

    class Meta(DatasetSerializer.Meta):
        fields = [
            *DatasetSerializer.Meta.fields, "created", "next_update_due", "temporal_start", "temporal_end",
            "spatial_region", "spatial_bbox", "spatial_geojson", "contact_name", "contact_email", "source_url",
            "issued", "source_modified", "licence_text",
            "can_download", "access_note", "download_zip_url", "resources", "history", "provenance",
            "timeliness",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "enterprise": {"type": "object"}, "contribution": {"type": "integer"}, "kind": {"type": "string"},
        "resource": {"type": "integer", "nullable": True}, "created": {"type": "string", "format": "date-time"}}}})
    def get_provenance(self, dataset):
        return provenance_of(dataset)

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "state": {"type": "string", "description": "on_time, due_soon, overdue or not_declared (quality.timeliness)"},
        "due": {"type": "string", "format": "date", "nullable": True},
        "last_update": {"type": "string", "format": "date-time", "nullable": True}}})
    def get_timeliness(self, dataset):
        return timeliness_of(dataset)

    def get_can_download(self, dataset) -> bool:
        return caller_can_download(self.context["request"], dataset)

    def get_access_note(self, dataset) -> str | None:
        if dataset.open_grade == OpenGrade.CONDITIONAL and not self.get_can_download(dataset):
            return str(_("本数据集为有条件开放：元数据公开，数据需经申请获批后获取。"))
        return None

    def get_download_zip_url(self, dataset) -> str:
        return absolute_url(self.context, "dataset-download-zip", dataset.identifier)

    @extend_schema_field(ActivitySerializer(many=True))
    def get_history(self, dataset):
        return ActivitySerializer(self.context["history"], many=True).data
