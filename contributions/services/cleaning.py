"""What a contributor writes, cleaned before it is stored: no HTML, bounded lengths, only known fields.

Dataset metadata is held to the catalog's own rules (datasets.services.clean_dataset_data),
so a contribution that passes here can be merged as it is.
"""
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from datasets.services.metadata import clean_dataset_data

from ..models import Kind

RESOURCE_FIELDS = ("name", "description")
TEXT_LIMIT = 5000


def sanitize(value):
    """Metadata text without HTML: tags and script bodies removed, the rest kept as written."""
    if isinstance(value, str) and "<" in value:
        return nh3.clean(value, tags=set())
    if isinstance(value, list):
        return [sanitize(item) for item in value]
    return value


def clean_metadata(kind, data, dataset=None):
    """The metadata a contribution of `kind` may carry; `dataset` is the one a correction corrects."""
    data = {key: sanitize(value) for key, value in (data or {}).items()}
    if kind in (Kind.NEW_RESOURCE, Kind.NEW_VERSION):
        unknown = set(data) - set(RESOURCE_FIELDS)
        if unknown:
            raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
        for field in RESOURCE_FIELDS:
            if len(str(data.get(field) or "")) > (300 if field == "name" else TEXT_LIMIT):
                raise ValidationError({field: _("内容过长。")})
        return {field: str(data[field]).strip() for field in RESOURCE_FIELDS if data.get(field)}
    if "open_grade" in data:
        raise ValidationError({"open_grade": _("开放等级由审核者决定。")})
    if kind == Kind.CORRECTION:
        data.pop("identifier", None)
        if not data:
            raise ValidationError({"metadata": _("请至少更正一个字段。")})
    clean_dataset_data(data, instance=dataset)
    return data
