"""Keyset pages of the rows API: the cursor (the sort values and _id of the last row sent) and the rows after it.

The rows after a cursor are a few disjoint ranges of the order: ties on the
first keys with a later value of the next key, the NULLs of a key (they sort
last both ways), and ties on every key with a later _id. Written as one OR,
no database starts an index scan in the middle, so a deep page walks every
row before it. When the first sort key has an index in the page's direction
(datastore.indexing; each ends with _id), each range is asked for on its own
(UNION ALL of index range scans, `limit` rows each) and the page is the first
`limit` of them: page 10,000 then costs what page 1 does.
"""
import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import types
from .dialects import ROW_ID, qn


def _refuse(message):
    raise ValidationError({"cursor": message})


def encode(sort, selected, row):
    """The cursor after `row` (as read: _id, then the selected columns' values)."""
    by_name = dict(zip((c["name"] for c in selected), row[1:]))
    values = [by_name[column["name"]] for column, _descending in sort] + [row[0]]
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(text, sort, dialect):
    """(sort values as the database compares them, _id) from a cursor, or a ValidationError on `cursor`."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        _refuse(_("cursor 无效。"))
    if not isinstance(values, list) or len(values) != len(sort) + 1:
        _refuse(_("cursor 与当前排序不符。"))
    *keys, row_id = values
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        _refuse(_("cursor 无效。"))
    parsed = []
    for (column, _descending), value in zip(sort, keys):
        if value is None:
            parsed.append(None)
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, (str, int, float)):
            _refuse(_("cursor 无效。"))
        parsed.append(dialect.parameter(column["type"], types.parse_value(column["type"], str(value), "cursor")))
    return parsed, row_id


def ranges(sort, cursor):
    """[(SQL condition, params)]: the disjoint ranges of the order after the cursor, first to last."""
    keys, row_id = cursor
    terms = [(qn(column["column"]), descending, value) for (column, descending), value in zip(sort, keys)]
    terms.append((qn(ROW_ID), False, row_id))
    found = []
    for position, (expression, descending, value) in enumerate(terms):
        if value is None:
            continue  # nothing sorts after a NULL at this key: only ties on it continue below
        ties, params = [], []
        for earlier, _d, earlier_value in terms[:position]:
            if earlier_value is None:
                ties.append(f"{earlier} IS NULL")
            else:
                ties.append(f"{earlier} = %s")
                params.append(earlier_value)
        found.append((" AND ".join(ties + [f"{expression} {'<' if descending else '>'} %s"]), params + [value]))
        if expression != qn(ROW_ID):
            found.append((" AND ".join(ties + [f"{expression} IS NULL"]), params))
    return found


def is_indexed(table, sort):
    """Whether the first sort key has an index in its direction (datastore.indexing lists "-name" for descending)."""
    if not sort:
        return True  # the order is _id's, the primary key
    column, descending = sort[0]
    return (f"-{column['name']}" if descending else column["name"]) in table.indexed
