"""The chart a data page draws first: a measure over a time or category column, read from the table's schema.

A count of rows per identifier says nothing, so identifiers, codes, coordinates and
declared keys are never the measure, and a table whose only numbers are such columns
gets no default chart (the visitor still picks columns by hand).
"""
import re
from dataclasses import dataclass

from . import exports, types

# Words in a column name that make it an identifier or a code, not a quantity.
IDENTIFIER = re.compile(
    r"(^|[_\s-])(id|code|no|key|uuid|serial|zip|postcode|phone|tel)($|[_\s-])"
    r"|编号|代码|编码|序号|邮编|电话|号码|证号|标识|账号|识别码",
    re.IGNORECASE,
)
IDENTIFIER_SUFFIX = re.compile(r"(?<![A-Z])(Id|ID|Code|No)$")  # stationId, 用户ID; not VALID
YEAR = re.compile(r"(^|[_\s-])(year|yr)($|[_\s-])|^年$|年份|年度", re.IGNORECASE)
# A rate or a mean is averaged over a group, never added up.
AVERAGED = re.compile(r"rate|ratio|percent|pct|avg|mean|average|率|比例|比重|占比|均|%|‰", re.IGNORECASE)
TIME_TYPES = (types.DATE, types.DATETIME)


@dataclass(frozen=True)
class DefaultChart:
    kind: str       # "line" over time, "bar" over categories
    x: str          # the column grouped by
    metric: str     # an aggregate parameter of the data API: "sum:<column>", "avg:<column>" or "count"
    over_time: bool  # the groups are ordered by x, not by size

    def as_dict(self):
        return {"kind": self.kind, "x": self.x, "metric": self.metric, "over_time": self.over_time}


def column_titles(table_schema):
    """Shown titles of columns by name, from the resource's Table Schema (`title` of each field)."""
    fields = table_schema.get("fields") if isinstance(table_schema, dict) else None
    return {field["name"]: field["title"] for field in fields or []
            if isinstance(field, dict) and isinstance(field.get("name"), str)
            and isinstance(field.get("title"), str) and field["title"].strip()}


def default_chart(columns, table_schema=None):
    """The default chart of a table with these columns ([{"name", "type"}, ...]), or None if nothing means much."""
    excluded = _keys(table_schema) | _coordinates(columns)

    def is_identifier(column):
        name = column["name"]
        return name in excluded or bool(IDENTIFIER.search(name) or IDENTIFIER_SUFFIX.search(name))

    def is_year(column):
        return column["type"] == types.INTEGER and bool(YEAR.search(column["name"]))

    time = next((c for c in columns if c["type"] in TIME_TYPES), None) or next(filter(is_year, columns), None)
    category = next((c for c in columns if c["type"] == types.STRING and not is_identifier(c)), None)
    measure = next((c for c in columns if c["type"] in types.NUMERIC and not is_identifier(c) and not is_year(c)),
                   None)
    x = time or category
    if x is None or (measure is None and category is None):
        return None
    if measure is None:  # no quantity: how many rows fall in each category
        return DefaultChart("bar", category["name"], "count", False)
    function = "avg" if AVERAGED.search(measure["name"]) else "sum"
    return DefaultChart("line" if time else "bar", x["name"], f"{function}:{measure['name']}", bool(time))


def _keys(table_schema):
    key = table_schema.get("primaryKey") if isinstance(table_schema, dict) else None
    return {key} if isinstance(key, str) else {name for name in key or [] if isinstance(name, str)}


def _coordinates(columns):
    geo = exports.geo_columns(columns)
    return set(geo[1:]) if geo else set()
