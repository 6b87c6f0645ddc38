"""Write shapes of the catalog API: they check only shape and type and refuse fields they do not know.

The business rules (lengths, vocabularies, identifier format, date order, bbox, GeoJSON, upload content)
belong to datasets.services, which receives a plain dict of the fields the client actually sent
(StrictSerializer.provided()).
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.datetimes import StorableDateTimeSerializerField
from core.serializers import JSONValueField, StrictSerializer, text_field
from organizations.models import Organization


class DatasetWriteSerializer(StrictSerializer):
    """Publisher-editable dataset fields. PUT needs identifier and title; PATCH any subset."""

    identifier = text_field(required=True, help_text=_("平台唯一标识符，可含字母、数字、汉字和 . _ : - /；不可更改。"))
    title = text_field(required=True, help_text=_("中文标题。"))
    title_en = text_field(help_text=_("英文标题，可选；空字符串表示未设置。"))
    description = text_field(help_text=_("中文描述（Markdown）。"))
    description_en = text_field(help_text=_("英文描述，可选；空字符串表示未设置。"))
    themes = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True,
                                   help_text=_("主题代码列表。"))
    keywords = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                     allow_null=True)
    keywords_en = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                        allow_null=True, help_text=_("英文关键词，可选。"))
    licence = text_field(help_text=_("许可协议代码。"))
    open_grade = text_field(help_text=_("开放等级：open、conditional 或 restricted。"))
    update_frequency = text_field(help_text=_("更新频率代码。"))
    next_update_due = serializers.DateField(required=False, allow_null=True)
    temporal_start = serializers.DateField(required=False, allow_null=True)
    temporal_end = serializers.DateField(required=False, allow_null=True)
    spatial_region = text_field()
    spatial_bbox = serializers.ListField(child=serializers.FloatField(), required=False, allow_null=True,
                                         help_text=_("[最小经度, 最小纬度, 最大经度, 最大纬度]（WGS 84）。"))
    spatial_geojson = JSONValueField(required=False, allow_null=True)
    contact_name = text_field()
    contact_email = text_field()
    source_url = text_field()
    issued = StorableDateTimeSerializerField(required=False, allow_null=True,
                                             help_text=_("来源目录记载的首次发布时间。"))
    source_modified = StorableDateTimeSerializerField(required=False, allow_null=True,
                                                      help_text=_("来源目录记载的最后修改时间。"))
    licence_text = text_field(help_text=_("许可协议不在本平台列表中时，来源的原文。"))


class DatasetCreateSerializer(DatasetWriteSerializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), help_text=_("发布组织的标识（slug）。")
    )


class ResourceUpdateSerializer(StrictSerializer):
    name = text_field(help_text=_("中文名称。"))
    name_en = text_field(help_text=_("英文名称，可选；空字符串表示未设置。"))
    description = text_field(help_text=_("中文描述。"))
    description_en = text_field(help_text=_("英文描述，可选；空字符串表示未设置。"))
    url = text_field(help_text=_("外部链接（仅外部链接资源）。"))
    table_schema = JSONValueField(required=False, allow_null=True, help_text=_("Table Schema 对象。"))
    position = serializers.IntegerField(required=False)


class ResourceCreateSerializer(ResourceUpdateSerializer):
    """A new resource: a `file` (multipart) or an external `url`, never both."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    format = text_field(help_text=_("声明的格式，如 CSV；文件内容与之不符时拒绝。"))

    def validate(self, attrs):
        if attrs.get("file") is not None and attrs.get("url"):
            raise serializers.ValidationError({"url": [_("请只提供文件或外部链接之一。")]})
        if attrs.get("file") is None and not attrs.get("url"):
            raise serializers.ValidationError({"file": [_("请上传文件或提供外部链接。")]})
        return attrs


class ResourceVersionCreateSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=True)
    format = text_field(help_text=_("声明的格式，如 CSV；文件内容与之不符时拒绝。"))
