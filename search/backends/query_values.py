"""The values of a SearchQuery, checked: each either returned clean or refused with a QueryError naming it."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.datetimes import as_day, check_storable_date
from core.pagination import POSITIVE_INTEGER

MAX_FILTER_VALUES = 50


class QueryError(ValueError):
    """A search parameter is invalid; `field` names it for the 400 response."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def date_value(name, value):
    try:
        day = as_day(value)
    except ValueError:
        raise QueryError(name, _("日期格式应为 YYYY-MM-DD。")) from None
    if day is None:
        return None
    try:
        return check_storable_date(day)
    except ValidationError as error:
        raise QueryError(name, error.messages[0]) from None


def positive_int(name, value, maximum=None):
    """A page or page size: 1, 2, 3... as the API's lists read them (core.pagination), else a QueryError."""
    text = str(value).strip()
    if not POSITIVE_INTEGER.fullmatch(text):
        raise QueryError(name, _("应为正整数。"))
    number = int(text)
    if maximum is not None and number > maximum:
        raise QueryError(name, _("应在 %(min)d 到 %(max)s 之间。") % {"min": 1, "max": maximum})
    return number


def natural_int(name, value, maximum):
    """An offset or a count: 0, 1, 2... up to `maximum`, else a QueryError."""
    text = str(value).strip()
    if not (text == "0" or POSITIVE_INTEGER.fullmatch(text)) or int(text) > maximum:
        raise QueryError(name, _("应在 %(min)d 到 %(max)s 之间。") % {"min": 0, "max": maximum})
    return int(text)


def bbox_value(value):
    if value in (None, "", ()):
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        west, south, east, north = (float(part) for part in parts)
    except (TypeError, ValueError):
        raise QueryError("bbox", _("边界框应为四个数：最小经度,最小纬度,最大经度,最大纬度。")) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise QueryError("bbox", _("边界框超出经纬度范围，或最小值大于最大值。"))
    return (west, south, east, north)


def facet_values(name, values):
    values = (values,) if isinstance(values, str) else tuple(values or ())
    values = tuple(dict.fromkeys(str(value).strip() for value in values if str(value).strip()))
    if len(values) > MAX_FILTER_VALUES or any(len(value) > 200 for value in values):
        raise QueryError(name, _("筛选值过多或过长。"))
    return values
