"""What differs between PostgreSQL and SQLite for loaded tables: column types, casts, bulk writes.

Identifiers in SQL are only ever the table names this app makes
(ds_<resource>_<version>) and physical column names c1..cN, always quoted
with the connection's quote_name; values are always parameters.
"""
import itertools

from django.db import connection
from psycopg import sql

from core import encodings

from . import arrow_writes, types

ROW_ID = "_id"


def qn(name):
    return connection.ops.quote_name(name)


class Dialect:
    vendor = None
    column_types = {}

    def sql_type(self, column_type):
        return self.column_types[column_type]

    def create_staging(self, cursor, table, physical):
        raise NotImplementedError

    def write_rows(self, cursor, table, physical, rows):
        """Write text rows to the staging table; returns how many."""
        raise NotImplementedError

    def write_arrow(self, cursor, table, physical, batches):
        """Write record batches of typed arrays (datastore.parquet.typed_arrays, each with its _id) to the typed table."""
        raise NotImplementedError

    def add_row_key(self, cursor, table):
        """The primary key on _id, once a table's rows are in."""

    def index_order(self, descending):
        """How an index column is ordered to serve ORDER BY <column> [DESC] NULLS LAST."""
        raise NotImplementedError

    def skip_commit_wait(self, cursor):
        """Within a transaction: its commit need not wait for the disk (a lost counter costs nothing)."""

    def matches(self, expression):
        raise NotImplementedError

    def cast(self, expression, column_type):
        raise NotImplementedError

    def text(self, expression):
        raise NotImplementedError

    def parameter(self, column_type, value):
        """A parsed value as this database compares it."""
        return value

    def after_load(self, cursor, table):
        """Statistics for the planner once a table is complete."""

    def contains(self, expression):
        """SQL testing that the text of `expression` contains a parameter, case-insensitively."""
        raise NotImplementedError


class PostgreSQL(Dialect):
    vendor = "postgresql"
    column_types = {
        types.STRING: "text", types.INTEGER: "bigint", types.NUMBER: "double precision",
        types.BOOLEAN: "boolean", types.DATE: "date", types.DATETIME: "timestamptz", types.GEOMETRY: "text",
    }

    def create_staging(self, cursor, table, physical):
        columns = ", ".join(f"{qn(name)} text" for name in physical)
        cursor.execute(f"CREATE UNLOGGED TABLE {qn(table)} "
                       f"({qn(ROW_ID)} bigint GENERATED ALWAYS AS IDENTITY (CACHE 100000), {columns})")

    def _copy_sql(self, table, physical, options=""):
        return f"COPY {qn(table)} ({', '.join(qn(name) for name in physical)}) FROM STDIN{options}"

    def write_rows(self, cursor, table, physical, rows):
        count = 0
        with cursor.cursor.copy(self._copy_sql(table, physical)) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def write_arrow(self, cursor, table, physical, batches):
        with cursor.cursor.copy(self._copy_sql(table, physical, " (FORMAT binary)")) as copy:
            copy.write(arrow_writes.COPY_HEADER)
            for arrays in batches:
                copy.write(arrow_writes.copy_binary(arrays))
            copy.write(arrow_writes.COPY_TRAILER)

    def add_row_key(self, cursor, table):
        cursor.execute(f"ALTER TABLE {qn(table)} ADD PRIMARY KEY ({qn(ROW_ID)})")

    def index_order(self, descending):
        return "DESC NULLS LAST" if descending else "ASC NULLS LAST"

    def skip_commit_wait(self, cursor):
        cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def copy_csv(self, cursor, table, physical, chunk, *, delimiter, source_encoding, header, null=""):
        """COPY one chunk of raw CSV bytes (PostgreSQL parses, transcodes and converts it); returns the row count."""
        # COPY options take no parameters: psycopg quotes them as literals, client side.
        literal = lambda value: sql.Literal(value).as_string(cursor.cursor)  # noqa: E731
        options = " WITH (FORMAT csv, DELIMITER %s, ENCODING %s, HEADER %s, NULL %s)" % (
            literal(delimiter), literal(encodings.POSTGRES_NAMES[source_encoding]),
            "true" if header else "false", literal(null),
        )
        with cursor.cursor.copy(self._copy_sql(table, physical, options)) as copy:
            copy.write(chunk)
        return cursor.cursor.rowcount

    def matches(self, expression):
        return f"{expression} ~ %s"

    def cast(self, expression, column_type):
        return f"{expression}::{self.column_types[column_type]}"

    def text(self, expression):
        return f"{expression}::text"

    def contains(self, expression):
        return f"strpos(lower({expression}::text), lower(%s)) > 0"

    def after_load(self, cursor, table):
        cursor.execute(f"ANALYZE {qn(table)}")


class SQLite(Dialect):
    vendor = "sqlite"
    column_types = {
        types.STRING: "TEXT", types.INTEGER: "INTEGER", types.NUMBER: "REAL", types.BOOLEAN: "INTEGER",
        types.DATE: "TEXT", types.DATETIME: "TEXT", types.GEOMETRY: "TEXT",
    }
    BATCH = 1000

    def create_staging(self, cursor, table, physical):
        columns = ", ".join(f"{qn(name)} TEXT" for name in physical)
        cursor.execute(f"CREATE TABLE {qn(table)} ({qn(ROW_ID)} INTEGER PRIMARY KEY, {columns})")

    def write_rows(self, cursor, table, physical, rows):
        sql = f"INSERT INTO {qn(table)} ({', '.join(qn(n) for n in physical)}) VALUES ({', '.join(['%s'] * len(physical))})"
        rows, count = iter(rows), 0
        while batch := list(itertools.islice(rows, self.BATCH)):  # sliced in C: no Python step per row
            cursor.executemany(sql, batch)
            count += len(batch)
        return count

    def write_arrow(self, cursor, table, physical, batches):
        for arrays in batches:
            self.write_rows(cursor, table, physical, arrow_writes.sqlite_rows(arrays))

    def index_order(self, descending):
        return "DESC" if descending else "ASC"  # NULLs sort first: last in DESC, as asked; ASC pages sort them

    def matches(self, expression):
        return f"{expression} REGEXP %s"  # Django registers REGEXP with Python's re

    def cast(self, expression, column_type):
        if column_type == types.INTEGER:
            return f"CAST({expression} AS INTEGER)"
        if column_type == types.NUMBER:
            return f"CAST({expression} AS REAL)"
        if column_type == types.BOOLEAN:
            return f"(lower({expression}) = 'true')"
        if column_type == types.DATETIME:
            # Stored as UTC text, the way types.iso_utc writes parameters, so text order is time order.
            return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {expression})"
        return expression

    def text(self, expression):
        return f"CAST({expression} AS TEXT)"

    def contains(self, expression):
        return f"instr(lower(CAST({expression} AS TEXT)), lower(%s)) > 0"

    def parameter(self, column_type, value):
        if column_type == types.DATETIME:
            return types.iso_utc(value)
        if column_type == types.DATE:
            return value.isoformat()
        if column_type == types.BOOLEAN:
            return int(value)
        return value


def current():
    if connection.vendor == "postgresql":
        return PostgreSQL()
    if connection.vendor == "sqlite":
        return SQLite()
    raise NotImplementedError(f"datastore does not support {connection.vendor}")
