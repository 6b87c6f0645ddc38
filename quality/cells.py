"""Checks of one cell against its Table Schema field: its type, and its constraints (range, enum, pattern, length).

Each check is a plain function built once per field, so the validator's row
loop only calls what the schema asks for; the common types have regex or
stdlib fast paths, the rare ones go through frictionless' own cell parser.
A constraint whose limit does not fit the field's type makes the schema
unusable (Unreadable, said in the report) rather than a crash mid-file.
"""
import datetime
import re

from django.utils.translation import gettext as _

from .tables import Unreadable

INTEGER = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(NaN|INF|-INF)$")
YEAR = re.compile(r"^\d{4}$")
YEARMONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
NUMERIC = ("integer", "number")


def _parse_datetime(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _date_checker(parse):
    def check(value):
        try:
            parse(value)
            return True
        except ValueError:
            return False
    return check


def type_checker(field):
    """A function cell -> truthy when valid, for a frictionless Field; None when any text is valid."""
    kind = field.type
    if kind in ("string", "any"):
        return None
    if kind == "integer":
        return INTEGER.match
    if kind == "number":
        return NUMBER.match
    if kind == "boolean":
        allowed = set(getattr(field, "true_values", TRUE_VALUES)) | set(getattr(field, "false_values", FALSE_VALUES))
        return allowed.__contains__
    if kind == "date" and getattr(field, "format", "default") == "default":
        return _date_checker(datetime.date.fromisoformat)
    if kind == "datetime" and getattr(field, "format", "default") == "default":
        return _date_checker(_parse_datetime)
    if kind == "year":
        return YEAR.match
    if kind == "yearmonth":
        return YEARMONTH.match

    def slow(value):  # the rare types: frictionless parses them
        _cell, notes = field.read_cell(value)
        return not notes
    return slow


def _ordering_key(field):
    """cell -> a comparable value for minimum/maximum, or None when the type has no order we check."""
    if field.type in NUMERIC:
        return float
    if field.type == "date" and getattr(field, "format", "default") == "default":
        return datetime.date.fromisoformat
    if field.type == "datetime" and getattr(field, "format", "default") == "default":
        return _parse_datetime
    if field.type in ("year", "yearmonth"):
        return str  # fixed width: text order is time order
    return None


def _limit(field, name, value, convert):
    try:
        return convert(str(value))
    except (TypeError, ValueError):
        raise Unreadable(_("表结构中字段 %(field)s 的约束 %(name)s 无效：%(value)s。")
                         % {"field": field.name, "name": name, "value": value}) from None


def _ordered(key, limit, passes):
    def check(cell):
        try:
            return passes(key(cell), limit)
        except TypeError:  # a time zone on one side only: not comparable, so not within the range
            return False
    return check


def constraint_checks(field):
    """[(constraint, limit, cell -> bool)] for the field's range, enum, pattern and length constraints.

    Each runs only on non-empty cells of the right type (required and type errors are reported apart).
    """
    constraints = field.constraints or {}
    checks = []
    key = _ordering_key(field)
    for name, passes in (("minimum", lambda value, limit: value >= limit),
                         ("maximum", lambda value, limit: value <= limit)):
        if name in constraints and key is not None:
            limit = _limit(field, name, constraints[name], key)
            checks.append((name, constraints[name], _ordered(key, limit, passes)))
    if isinstance(constraints.get("enum"), list):
        convert = float if field.type in NUMERIC else str
        allowed = {_limit(field, "enum", value, convert) for value in constraints["enum"]}
        checks.append(("enum", constraints["enum"], lambda cell: convert(cell) in allowed))
    if constraints.get("pattern"):
        try:
            pattern = re.compile(f"(?:{constraints['pattern']})")
        except (re.error, TypeError):
            raise Unreadable(_("表结构中字段 %(field)s 的约束 %(name)s 无效：%(value)s。")
                             % {"field": field.name, "name": "pattern", "value": constraints["pattern"]}) from None
        checks.append(("pattern", constraints["pattern"], lambda cell: pattern.fullmatch(cell) is not None))
    for name, passes in (("minLength", lambda length, limit: length >= limit),
                         ("maxLength", lambda length, limit: length <= limit)):
        if name in constraints:
            limit = _limit(field, name, constraints[name], int)
            checks.append((name, constraints[name], lambda cell, limit=limit, passes=passes: passes(len(cell), limit)))
    return checks
