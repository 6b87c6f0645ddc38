"""Data API parameters -> validated queries -> SQL.

Every name in a request is looked up in the table's stored column list and
replaced by its physical column (c1..cN), quoted with quote_name; every value
is parsed to the column's type and passed as a parameter. Nothing a caller
writes is ever spliced into SQL. Each refusal is a ValidationError naming the
parameter, which the API turns into a 400.
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import dialects, keyset, types
from .dialects import ROW_ID, qn

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "isnull")
COMPARISONS = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
METRICS = ("count", "sum", "avg", "min", "max")
FILTER_PARAMETER = re.compile(r"^filter\[(?P<column>.+?)\](?:\[(?P<operator>[^\[\]]*)\])?$")
MAX_IN_VALUES = 100
MAX_TEXT = 1000

ROW_PARAMETERS = {"fields", "sort", "limit", "offset", "cursor", "q", "format"}
AGGREGATE_PARAMETERS = {"group_by", "metrics", "sort", "limit", "offset", "q", "format"}
EXPORT_PARAMETERS = {"fields", "sort", "q"}


def max_limit():
    return getattr(settings, "DATASTORE_MAX_LIMIT", 1000)


def _refuse(parameter, message):
    raise ValidationError({parameter: message})


def _names(value):
    return [part.strip() for part in value.split(",") if part.strip()]


class Filters:
    """WHERE clause from filter[...] parameters and q."""

    def __init__(self, table, dialect):
        self.table = table
        self.dialect = dialect
        self.clauses = []
        self.params = []
        self.indexable = []  # names of the columns filtered in ways an index serves (not `contains`)

    def column(self, name, parameter):
        column = self.table.column(name)
        if column is None:
            _refuse(parameter, _("未知的列：%(name)s。") % {"name": name})
        return column

    def add(self, parameter, values):
        match = FILTER_PARAMETER.match(parameter)
        if match is None:
            _refuse(parameter, _("未知的参数。"))
        column = self.column(match["column"], parameter)
        operator = match["operator"] or "eq"
        if operator not in OPERATORS:
            _refuse(parameter, _("未知的运算符：%(op)s。可选：%(ops)s。") % {"op": operator, "ops": ", ".join(OPERATORS)})
        if column["type"] == types.GEOMETRY and operator not in ("isnull",):
            _refuse(parameter, _("几何列只能用 isnull 筛选。"))
        for value in values:
            if len(value) > MAX_TEXT:
                _refuse(parameter, _("取值过长。"))
            self._add_one(parameter, column, operator, value)
        if operator != "contains" and column["name"] not in self.indexable:
            self.indexable.append(column["name"])

    def _value(self, column, text, parameter):
        value = types.parse_value(column["type"], text, parameter)
        return self.dialect.parameter(column["type"], value)

    def _add_one(self, parameter, column, operator, text):
        expression = qn(column["column"])
        if operator == "isnull":
            if text not in ("true", "false"):
                _refuse(parameter, _("isnull 的取值应为 true 或 false。"))
            self.clauses.append(f"{expression} IS {'' if text == 'true' else 'NOT '}NULL")
        elif operator == "contains":
            self.clauses.append(self.dialect.contains(expression))
            self.params.append(text)
        elif operator == "in":
            items = text.split(",")
            if len(items) > MAX_IN_VALUES:
                _refuse(parameter, _("in 最多 %(n)d 个取值。") % {"n": MAX_IN_VALUES})
            values = [self._value(column, item, parameter) for item in items]
            self.clauses.append(f"{expression} IN ({', '.join(['%s'] * len(values))})")
            self.params += values
        else:
            self.clauses.append(f"{expression} {COMPARISONS[operator]} %s")
            self.params.append(self._value(column, text, parameter))

    def search(self, text):
        """q: rows where some text column contains the words (every word, anywhere in the row)."""
        if len(text) > MAX_TEXT:
            _refuse("q", _("取值过长。"))
        columns = [c for c in self.table.columns if c["type"] == types.STRING]
        for word in text.split():
            if not columns:
                self.clauses.append("1 = 0")
                return
            self.clauses.append("(" + " OR ".join(self.dialect.contains(qn(c["column"])) for c in columns) + ")")
            self.params += [word] * len(columns)

    def sql(self):
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def _parse_count(query_params, name, default, maximum=None):
    raw = query_params.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        _refuse(name, _("应为非负整数。"))
    value = int(raw)
    if maximum is not None and value > maximum:
        _refuse(name, _("最大为 %(n)d。") % {"n": maximum})
    return value


def _check_parameters(query_params, allowed):
    for parameter in query_params:
        if parameter not in allowed and not parameter.startswith("filter["):
            _refuse(parameter, _("未知的参数。"))


def _filters(table, dialect, query_params):
    filters = Filters(table, dialect)
    for parameter in query_params:
        if parameter.startswith("filter["):
            filters.add(parameter, query_params.getlist(parameter))
    if query_params.get("q"):
        filters.search(query_params["q"])
    return filters


def _order(column_sql, descending):
    return f"{column_sql} {'DESC' if descending else 'ASC'} NULLS LAST"


class RowQuery:
    """SELECT of rows: fields, filters, q, sort, limit/offset or a keyset cursor."""

    def __init__(self, table, query_params, *, allowed=ROW_PARAMETERS, paged=True):
        self.table = table
        self.dialect = dialects.current()
        _check_parameters(query_params, allowed)
        self.filters = _filters(table, self.dialect, query_params)
        self.fields = self._fields(query_params.get("fields"))
        self.sort = self._sort(query_params.get("sort"))
        # Sort columns left out of `fields` are still read: the cursor needs their values.
        self.selected = self.fields + [c for c, _d in self.sort if c not in self.fields]
        self.limit = self.offset = None
        self.cursor = None
        if paged:
            self.limit = _parse_count(query_params, "limit", getattr(settings, "DATASTORE_DEFAULT_LIMIT", 100), max_limit())
            self.offset = _parse_count(query_params, "offset", 0)
            if query_params.get("cursor"):
                if self.offset:
                    _refuse("cursor", _("cursor 不能与 offset 同时使用。"))
                self.cursor = keyset.decode(query_params["cursor"], self.sort, self.dialect)

    def _fields(self, value):
        if not value:
            return list(self.table.columns)
        fields = []
        for name in _names(value):
            column = self.filters.column(name, "fields")
            if column not in fields:
                fields.append(column)
        return fields

    def _sort(self, value):
        keys = []
        for item in _names(value or ""):
            descending = item.startswith("-")
            column = self.filters.column(item.lstrip("-"), "sort")
            if column["type"] == types.GEOMETRY:
                _refuse("sort", _("几何列不能排序。"))
            keys.append((column, descending))
        return keys

    def encode_cursor(self, row):
        """The cursor after `row` (as read: _id, then the selected columns' values)."""
        return keyset.encode(self.sort, self.selected, row)

    def uses(self):
        """[(column name, descending)] this query filters and sorts by: what datastore.indexing counts."""
        return [(name, False) for name in self.filters.indexable] + [
            (column["name"], descending) for column, descending in self.sort]

    def sql(self):
        """SELECT _id and the selected columns, in that order."""
        return self.sql_selecting(", ".join([qn(ROW_ID)] + [qn(c["column"]) for c in self.selected]))

    def sql_selecting(self, select, select_params=()):
        """The same rows in the same order, each as the `select` list (whose parameters come first)."""
        order = " ORDER BY " + ", ".join(
            [_order(qn(column["column"]), descending) for column, descending in self.sort] + [f"{qn(ROW_ID)} ASC"])
        where, params = self.filters.clauses[:], list(select_params) + self.filters.params
        ranges = keyset.ranges(self.sort, self.cursor) if self.cursor is not None else []
        if len(ranges) > 1 and keyset.is_indexed(self.table, self.sort):
            page, page_params = self._page_by_ranges(ranges, order)
            where, params = [f"{qn(ROW_ID)} IN ({page})"], list(select_params) + page_params
        elif ranges:
            where.append("(" + " OR ".join(f"({condition})" for condition, _p in ranges) + ")")
            params += [value for _c, values in ranges for value in values]
        sql = f"SELECT {select} FROM {qn(self.table.table_name)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += order
        if self.limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [self.limit, self.offset]
        return sql, params

    def _page_by_ranges(self, ranges, order):
        """The _id of the page after the cursor: each range of the order read on its own, the first `limit` of them."""
        keys = ", ".join(dict.fromkeys([qn(ROW_ID)] + [qn(column["column"]) for column, _d in self.sort]))
        source, branches, params = qn(self.table.table_name), [], []
        for condition, condition_params in ranges:
            where = " AND ".join(self.filters.clauses + [condition])
            branches.append(f"SELECT * FROM (SELECT {keys} FROM {source} WHERE {where}{order} LIMIT %s) AS r{len(branches)}")
            params += self.filters.params + condition_params + [self.limit]
        return f"SELECT {qn(ROW_ID)} FROM ({' UNION ALL '.join(branches)}) AS page{order} LIMIT %s", params + [self.limit]

    def count_sql(self):
        """The SQL counting the rows that match, or None when nothing is filtered (the load counted them)."""
        if not self.filters.clauses:
            return None
        return f"SELECT COUNT(*) FROM {qn(self.table.table_name)}{self.filters.sql()}", list(self.filters.params)

    def output_columns(self):
        return [{"name": c["name"], "type": c["type"]} for c in self.fields]

    def is_whole_table(self):
        """Every row and every column in the table's order, by _id: what a whole-table export file holds."""
        return (not self.filters.clauses and not self.sort and self.limit is None
                and self.fields == list(self.table.columns))

    def read_types(self):
        return [types.INTEGER] + [c["type"] for c in self.selected]


class AggregateQuery:
    """SELECT group columns and metrics (count, sum, avg, min, max) GROUP BY, with filters and q."""

    def __init__(self, table, query_params):
        self.table = table
        self.dialect = dialects.current()
        _check_parameters(query_params, AGGREGATE_PARAMETERS)
        self.filters = _filters(table, self.dialect, query_params)
        self.groups = []
        for name in _names(query_params.get("group_by") or ""):
            column = self.filters.column(name, "group_by")
            if column["type"] == types.GEOMETRY:
                _refuse("group_by", _("几何列不能分组。"))
            if column not in self.groups:
                self.groups.append(column)
        self.metrics = [self._metric(spec) for spec in (_names(query_params.get("metrics") or "") or ["count"])]
        self.limit = _parse_count(query_params, "limit", getattr(settings, "DATASTORE_DEFAULT_LIMIT", 100), max_limit())
        self.offset = _parse_count(query_params, "offset", 0)
        self.sort = self._sort(query_params.get("sort"))

    def _metric(self, spec):
        function, _sep, name = spec.partition(":")
        if function not in METRICS:
            _refuse("metrics", _("未知的统计函数：%(f)s。可选：%(fs)s。") % {"f": function, "fs": ", ".join(METRICS)})
        if not name:
            if function != "count":
                _refuse("metrics", _("%(f)s 需要列名，例如 %(f)s:列名。") % {"f": function})
            return {"name": "count", "type": types.INTEGER, "sql": "COUNT(*)"}
        column = self.filters.column(name, "metrics")
        if function in ("sum", "avg") and column["type"] not in types.NUMERIC:
            _refuse("metrics", _("%(f)s 只能用于数值列，%(name)s 不是。") % {"f": function, "name": name})
        if column["type"] == types.GEOMETRY and function != "count":
            _refuse("metrics", _("几何列只能计数。"))
        expression = qn(column["column"])
        result_type = {"count": types.INTEGER, "avg": types.NUMBER}.get(function, column["type"])
        if function == "sum":
            result_type = types.NUMBER
        sql = f"{function.upper()}({expression})"
        if function in ("sum", "avg"):
            # PostgreSQL answers numeric (Decimal) for sums and averages of integers: read back floats everywhere.
            sql = f"CAST({sql} AS {self.dialect.sql_type(types.NUMBER)})"
        return {"name": f"{function}({name})", "type": result_type, "sql": sql}

    def _sort(self, value):
        by_name = {g["name"]: qn(g["column"]) for g in self.groups}
        by_name.update({m["name"]: f"m{i}" for i, m in enumerate(self.metrics)})
        keys = []
        for item in _names(value or ""):
            name = item.lstrip("-")
            if name not in by_name:
                _refuse("sort", _("只能按分组列或统计结果排序：%(name)s。") % {"name": name})
            keys.append(_order(by_name[name], item.startswith("-")))
        return keys + [qn(g["column"]) + " ASC NULLS LAST" for g in self.groups]

    def sql(self):
        selects = [qn(g["column"]) for g in self.groups] + [f"{m['sql']} AS m{i}" for i, m in enumerate(self.metrics)]
        sql = f"SELECT {', '.join(selects)} FROM {qn(self.table.table_name)}{self.filters.sql()}"
        if self.groups:
            sql += " GROUP BY " + ", ".join(qn(g["column"]) for g in self.groups)
        if self.sort:
            sql += " ORDER BY " + ", ".join(self.sort)
        sql += " LIMIT %s OFFSET %s"
        return sql, list(self.filters.params) + [self.limit, self.offset]

    def output_columns(self):
        return [{"name": g["name"], "type": g["type"]} for g in self.groups] + [
            {"name": m["name"], "type": m["type"]} for m in self.metrics]

    def read_types(self):
        return [c["type"] for c in self.output_columns()]
