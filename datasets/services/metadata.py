"""Dataset metadata validation: what a valid dataset is, field by field.

clean_dataset_data is the one check of publisher input, whether it comes from
a page form, the API, the admin or a catalog import.
"""
import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.datetimes import as_day, check_storable_datetime, local_day_start

from ..models import Licence, OpenGrade, Theme, UpdateFrequency

IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._:\-/]{0,199}$")
MAX_KEYWORDS = 50
MAX_KEYWORD_LENGTH = 100

# Fields a publisher may set on a dataset; the rest belong to the platform.
DATASET_FIELDS = (
    "identifier", "title", "title_en", "description", "description_en", "themes", "keywords", "keywords_en",
    "licence", "open_grade",
    "update_frequency", "next_update_due", "temporal_start", "temporal_end", "spatial_region",
    "spatial_bbox", "spatial_geojson", "contact_name", "contact_email", "source_url",
    "issued", "source_modified", "licence_text",
)

GEOJSON_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection", "Feature", "FeatureCollection",
}


def field_error(field, message):
    """The ValidationError naming the one field that is wrong."""
    return ValidationError({field: message})


def _as_date(field, value):
    try:
        return as_day(value)
    except ValueError:
        raise field_error(field, _("日期格式应为 YYYY-MM-DD。")) from None


def _as_moment(field, value):
    """An aware datetime from a datetime or ISO 8601 text (a bare date is its local midnight), or None."""
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.datetime):
        text = str(value).strip()
        try:
            day = None if "T" in text or " " in text else parse_date(text)
            value = local_day_start(day) if day else parse_datetime(text)
        except (ValueError, OverflowError):
            value = None
        if value is None:
            raise field_error(field, _("时间格式应为 ISO 8601，例如 2024-01-31T08:00:00+08:00。"))
    try:
        return check_storable_datetime(value)
    except ValidationError as error:
        raise field_error(field, error.messages[0]) from None


def validate_bbox(value):
    """[min_lon, min_lat, max_lon, max_lat] in WGS 84, or None."""
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+", value.strip()) if part]
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise field_error("spatial_bbox", _("边界框应为四个数：最小经度,最小纬度,最大经度,最大纬度。"))
    try:
        west, south, east, north = (float(part) for part in value)
    except (TypeError, ValueError):
        raise field_error("spatial_bbox", _("边界框只能包含数字。")) from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise field_error("spatial_bbox", _("边界框超出经纬度范围。"))
    if west > east or south > north:
        raise field_error("spatial_bbox", _("边界框的最小值不能大于最大值。"))
    return [west, south, east, north]


def validate_geojson(value):
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise field_error("spatial_geojson", _("GeoJSON 不是合法的 JSON。")) from None
    if not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES:
        raise field_error("spatial_geojson", _("GeoJSON 缺少合法的 type。"))
    kind = value["type"]
    if kind == "FeatureCollection" and not isinstance(value.get("features"), list):
        raise field_error("spatial_geojson", _("FeatureCollection 需要 features 数组。"))
    if kind == "Feature" and "geometry" not in value:
        raise field_error("spatial_geojson", _("Feature 需要 geometry。"))
    if kind not in {"Feature", "FeatureCollection", "GeometryCollection"} and not isinstance(
        value.get("coordinates"), list
    ):
        raise field_error("spatial_geojson", _("几何对象需要 coordinates 数组。"))
    return value


def _clean_keywords(value, field="keywords"):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,，;；]", value)]
    if not isinstance(value, (list, tuple)):
        raise field_error(field, _("关键词应为字符串列表。"))
    keywords = []
    for keyword in value:
        if not isinstance(keyword, str):
            raise field_error(field, _("关键词应为字符串列表。"))
        keyword = keyword.strip()
        if not keyword:
            continue
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise field_error(field, _("每个关键词最多 %(n)d 个字符。") % {"n": MAX_KEYWORD_LENGTH})
        if keyword not in keywords:
            keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise field_error(field, _("关键词最多 %(n)d 个。") % {"n": MAX_KEYWORDS})
    return keywords


def _clean_licence(value):
    if value in (None, ""):
        return None
    if isinstance(value, Licence):
        return value
    licence = Licence.objects.filter(code=str(value)).first()
    if licence is None:
        raise field_error("licence", _("未知的许可协议：%(code)s。") % {"code": value})
    return licence


def _clean_themes(value):
    if value in (None, ""):
        return []
    if isinstance(value, (str, Theme)):
        value = [value]
    codes = [theme.code if isinstance(theme, Theme) else str(theme) for theme in value]
    themes = list(Theme.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {theme.code for theme in themes})
    if unknown:
        raise field_error("themes", _("未知的主题：%(codes)s。") % {"codes": ", ".join(unknown)})
    return themes


def _max_length(field, value, limit):
    if value is not None and len(value) > limit:
        raise field_error(field, _("最多 %(n)d 个字符。") % {"n": limit})


def clean_dataset_data(data, instance=None):
    """Validate publisher input for a dataset; returns normalized values.

    Raises ValidationError with every field that is wrong, not only the first.
    """
    unknown = set(data) - set(DATASET_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    cleaned, errors = {}, {}

    def run(field, cleaner):
        if field in data:
            try:
                cleaned[field] = cleaner(data[field])
            except ValidationError as error:
                errors.update(error.message_dict)

    def text(field, limit, required=False):
        def clean(value):
            value = "" if value is None else str(value).strip()
            if required and not value:
                raise field_error(field, _("此字段为必填项。"))
            _max_length(field, value, limit)
            return value
        return clean

    def choice(field, choices):
        def clean(value):
            if value not in choices.values:
                raise field_error(field, _("无效的取值：%(value)s。可选：%(choices)s。")
                             % {"value": value, "choices": ", ".join(choices.values)})
            return value
        return clean

    def identifier(value):
        value = "" if value is None else str(value).strip()
        if not value:
            raise field_error("identifier", _("此字段为必填项。"))
        if not IDENTIFIER_PATTERN.match(value):
            raise field_error("identifier", _("标识符只能包含字母、数字、汉字和 . _ : - /，最多 200 个字符。"))
        if instance is not None and value != instance.identifier:
            raise field_error("identifier", _("标识符发布后不可更改。"))
        return value

    def email(value):
        value = (value or "").strip()
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                raise field_error("contact_email", _("请输入有效的邮箱地址。")) from None
        return value

    def url(value):
        value = (value or "").strip()
        if value:
            _max_length("source_url", value, 1000)
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise field_error("source_url", _("请输入有效的网址。")) from None
        return value

    run("identifier", identifier)
    run("title", text("title", 300, required=True))
    run("title_en", text("title_en", 300))
    run("description", text("description", 50000))
    run("description_en", text("description_en", 50000))
    run("themes", _clean_themes)
    run("keywords", _clean_keywords)
    run("keywords_en", lambda value: _clean_keywords(value, "keywords_en"))
    run("licence", _clean_licence)
    run("open_grade", choice("open_grade", OpenGrade))
    run("update_frequency", choice("update_frequency", UpdateFrequency))
    for field in ("next_update_due", "temporal_start", "temporal_end"):
        run(field, lambda value, field=field: _as_date(field, value))
    run("spatial_region", text("spatial_region", 200))
    run("spatial_bbox", validate_bbox)
    run("spatial_geojson", validate_geojson)
    run("contact_name", text("contact_name", 200))
    run("contact_email", email)
    run("source_url", url)
    for field in ("issued", "source_modified"):
        run(field, lambda value, field=field: _as_moment(field, value))
    run("licence_text", text("licence_text", 300))

    start = cleaned.get("temporal_start", getattr(instance, "temporal_start", None))
    end = cleaned.get("temporal_end", getattr(instance, "temporal_end", None))
    if start and end and end < start and "temporal_end" not in errors:
        errors["temporal_end"] = [_("结束日期不能早于开始日期。")]
    if instance is None:
        for required in ("identifier", "title"):
            if required not in data and required not in errors:
                errors[required] = [_("此字段为必填项。")]
    if errors:
        raise ValidationError(errors)
    return cleaned
