"""Column types of loaded tables: how a text value is recognized, stored and read back.

The patterns are written in the common subset of Python `re` and PostgreSQL
regular expressions, so the same check runs in SQL on PostgreSQL (`~`) and on
SQLite (`REGEXP`, which Django implements with Python's `re`).
"""
import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.datetimes import check_storable_datetime

STRING = "string"
INTEGER = "integer"
NUMBER = "number"
BOOLEAN = "boolean"
DATE = "date"
DATETIME = "datetime"
GEOMETRY = "geometry"  # a GeoJSON geometry object, stored as its JSON text

TYPES = (STRING, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME, GEOMETRY)
NUMERIC = (INTEGER, NUMBER)

PATTERNS = {
    INTEGER: r"^[+-]?[0-9]{1,18}$",
    NUMBER: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$",
    BOOLEAN: r"^(true|false|TRUE|FALSE|True|False)$",
    DATE: r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    DATETIME: r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
              r"(:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
COMPILED = {name: re.compile(pattern) for name, pattern in PATTERNS.items()}

# What a column may widen to when a value does not fit, narrowest first.
CANDIDATES = (INTEGER, NUMBER, BOOLEAN, DATE, DATETIME)
WIDER = {INTEGER: (INTEGER, NUMBER), NUMBER: (NUMBER,), BOOLEAN: (BOOLEAN,), DATE: (DATE,), DATETIME: (DATETIME,)}

# Table Schema field types -> ours.
TABLE_SCHEMA_TYPES = {
    "string": STRING, "integer": INTEGER, "number": NUMBER, "boolean": BOOLEAN, "date": DATE,
    "datetime": DATETIME, "year": INTEGER, "geojson": GEOMETRY, "any": STRING,
}
DEFAULT_MISSING_VALUES = ("", "NA", "N/A", "null", "NULL")


def sniff_type(value):
    """The narrowest type of one non-missing text value."""
    for name in CANDIDATES:
        if COMPILED[name].match(value):
            return name
    return STRING


def candidates_from_sample(values):
    """The types worth checking on the whole column, given a sample of its non-missing values."""
    seen = {sniff_type(value) for value in values}
    if not seen:
        return CANDIDATES  # nothing to go by: let the full check decide
    if STRING in seen:
        return ()
    if seen <= {INTEGER, NUMBER}:
        return (NUMBER,) if NUMBER in seen else WIDER[INTEGER]
    return tuple(seen) if len(seen) == 1 else ()


def parse_value(column_type, text, parameter):
    """A query parameter's text as a value of the column's type, or a ValidationError naming the parameter."""
    if column_type in (STRING, GEOMETRY):
        return text
    if not COMPILED[column_type].match(text):
        raise ValidationError({parameter: _("“%(value)s”不是 %(type)s 类型的值。") % {"value": text, "type": column_type}})
    if column_type == INTEGER:
        return int(text)
    if column_type == NUMBER:
        return float(text)
    if column_type == BOOLEAN:
        return text.lower() == "true"
    try:
        if column_type == DATE:
            return datetime.date.fromisoformat(text)
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError({parameter: _("“%(value)s”不是有效的日期或时间。") % {"value": text}}) from None
    value = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    try:
        return check_storable_datetime(value)
    except ValidationError as error:
        raise ValidationError({parameter: error.messages}) from None


def presenter(column_type):
    """A function turning a stored value into JSON-ready Python (the same on both databases), or None if none is needed."""
    if column_type == BOOLEAN:
        return lambda value: value if value is None else bool(value)
    if column_type == DATETIME:
        return lambda value: iso_utc(value) if isinstance(value, datetime.datetime) else value
    if column_type == DATE:
        return lambda value: value.isoformat() if isinstance(value, datetime.date) else value
    return None


def iso_utc(value):
    """2013-01-01T10:00:00Z: how datetimes are shown, and stored as text on SQLite."""
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def as_text(value):
    """A cell as text (None stays None), written the way PATTERNS recognize it (bytes as UTF-8, else hex)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.tzinfo is None else iso_utc(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    return str(value)
