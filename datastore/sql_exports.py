"""The COPY statements with which PostgreSQL writes an export itself: COPY (SELECT ...) TO STDOUT.

Each format is one SELECT over a RowQuery's filters, sort and limit
(query.RowQuery.sql_selecting), listing only the requested fields, whose values
read as the rows API presents them (types.presenter): datetimes as ISO UTC text
ending in Z, dates in ISO, booleans true/false. CSV and TSV text cells are
defused in SQL by the one formula rule (core.spreadsheets.safe_cell_sql).
A JSON row is built by concatenating each value's to_json() after its key,
which has no limit on the number of columns (json_build_object stops at 50)
and keeps keys of any length (row_to_json takes them from 63-byte aliases).
Keys are parameters, bound by psycopg on the client as COPY needs.
"""
import json

from core.spreadsheets import safe_cell_sql

from . import types
from .dialects import qn

# One JSON document per line, written as is: JSON text never holds these control characters
# (to_json escapes them), so PostgreSQL's CSV writer never quotes or escapes anything.
UNQUOTED_LINES = "WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"
DELIMITERS = {"csv": ",", "tsv": "\t"}

# What a geometry column's text becomes in GeoJSON: its JSON on one line (jsonb prints no newline), or
# null when it is not JSON (a declared geojson column of a CSV is not checked at load). PostgreSQL 15 has
# no "IS JSON", hence the function, in the session's own temporary schema: nothing to migrate.
GEOMETRY_FUNCTION = """CREATE OR REPLACE FUNCTION pg_temp.datastore_geometry_json(value text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN NULLIF(value, '')::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$"""


def iso_utc_sql(expression):
    """SQL for types.iso_utc: 2013-01-01T10:00:00Z, with a fraction of a second only when there is one.

    PostgreSQL's own ISO output (DateStyle ISO, which psycopg needs anyway) of the UTC time already
    trims the fraction's zeros; replacing its space costs a fraction of two to_char() calls.
    """
    return f"replace(({expression} AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'"


def _text(column, defused):
    """A column's value as the text a delimited file holds (NULL stays NULL: an empty field)."""
    expression, kind = qn(column["column"]), column["type"]
    if kind == types.STRING:
        return safe_cell_sql(expression) if defused else expression
    if kind == types.DATETIME:
        return iso_utc_sql(expression)
    if kind in (types.DATE, types.BOOLEAN):
        return f"{expression}::text"  # 2013-01-01 (DateStyle ISO), true/false
    return expression


def _json(column):
    """A column's value as JSON text (never NULL: null)."""
    expression, kind = qn(column["column"]), column["type"]
    if kind in (types.INTEGER, types.BOOLEAN):
        value = f"{expression}::text"  # already JSON
    elif kind == types.DATETIME:
        value = "'\"' || " + iso_utc_sql(expression) + " || '\"'"
    else:
        value = f"to_json({expression})::text"
    return f"COALESCE({value}, 'null')"


def _object(columns):
    """(SQL, params): a JSON object of the columns' values under their shown names, keys in order."""
    if not columns:
        return "'{}'", []
    parts, params = [], []
    for position, column in enumerate(columns):
        params.append(("{" if position == 0 else ",") + json.dumps(column["name"], ensure_ascii=False) + ":")
        parts += ["%s", _json(column)]
    return " || ".join(parts) + " || '}'", params


def delimited(rows_query, fmt, defused=True):
    """(COPY statement, params) writing the rows as CSV or TSV lines, without a header."""
    select = ", ".join(_text(column, defused) for column in rows_query.fields)
    sql, params = rows_query.sql_selecting(select)
    delimiter = "E'\\t'" if DELIMITERS[fmt] == "\t" else "','"
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER {delimiter})", params


def json_lines(rows_query):
    """(COPY statement, params) writing one JSON object per row and line."""
    select, select_params = _object(rows_query.fields)
    sql, params = rows_query.sql_selecting(select, select_params)
    return f"COPY ({sql}) TO STDOUT {UNQUOTED_LINES}", params


def _point(lon, lat):
    lon_sql, lat_sql = qn(lon["column"]), qn(lat["column"])
    return (f"CASE WHEN {lon_sql} IS NULL OR {lat_sql} IS NULL THEN 'null' ELSE "
            f"'{{\"type\":\"Point\",\"coordinates\":[' || to_json({lon_sql})::text || ',' || "
            f"to_json({lat_sql})::text || ']}}' END")


def geojson_features(rows_query, geo):
    """(setup statements, COPY statement, params) writing one GeoJSON Feature per row and line.

    `geo` is exports.geo_columns of the fields: the geometry column (kept out of the properties),
    or the longitude and latitude columns (kept in them too), as the Python writer does.
    """
    by_name = {column["name"]: column for column in rows_query.fields}
    setup = []
    if geo[0] == "geometry":
        geometry = f"COALESCE(pg_temp.datastore_geometry_json({qn(by_name[geo[1]]['column'])})::text, 'null')"
        properties = [column for column in rows_query.fields if column["name"] != geo[1]]
        setup.append(GEOMETRY_FUNCTION)
    else:
        geometry = _point(by_name[geo[1]], by_name[geo[2]])
        properties = rows_query.fields
    properties_sql, select_params = _object(properties)
    select = f"'{{\"type\":\"Feature\",\"geometry\":' || {geometry} || ',\"properties\":' || {properties_sql} || '}}'"
    sql, params = rows_query.sql_selecting(select, select_params)
    return setup, f"COPY ({sql}) TO STDOUT {UNQUOTED_LINES}", params
