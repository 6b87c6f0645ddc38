"""Indexes of loaded tables: the keys a Table Schema declares, and the columns the rows API is asked for most.

Every index ends with _id, the last key of every order, so that a filter or a
sort on its column pages by keyset through the index alone (datastore.keyset):
a deep page costs what the first one does. Indexes are built once the rows are
in, never kept up row by row during a load. The rows and aggregate APIs count,
per resource, column and day, which columns they filter and sort by
(ColumnUse: one upsert per request, nothing about the caller); after each load
and hourly (datastore.tasks.index_popular_columns, `manage.py
index_datastore_columns`) the most used get an index: one ascending (filters
and ascending sorts) or descending (listed as "-<name>" in the table's
`indexed`) per column and direction asked for.
"""
import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from . import dialects, types
from .dialects import ROW_ID, qn
from .models import ColumnUse, DatastoreTable

log = logging.getLogger(__name__)


def create_index(cursor, dialect, table_name, column, descending=False):
    """The index on (column, _id) serving filters on the column and its sort in one direction."""
    name = f"{table_name}_{column}{'_desc' if descending else ''}"
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(table_name)} "
                   f"({qn(column)} {dialect.index_order(descending)}, {qn(ROW_ID)})", [])


def record_use(resource_id, uses):
    """Count one request's [(column name, descending)]: a single upsert, whose commit nobody waits for."""
    uses = sorted(set(uses))
    if not uses:
        return
    table = qn(ColumnUse._meta.db_table)
    day = timezone.localdate()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            dialects.current().skip_commit_wait(cursor)
            # INSERT ... ON CONFLICT DO UPDATE: the same statement on PostgreSQL and SQLite (>= 3.24).
            cursor.execute(
                f"INSERT INTO {table} (resource_id, column_name, descending, day, count) VALUES "
                + ", ".join(["(%s, %s, %s, %s, 1)"] * len(uses))
                + f" ON CONFLICT (resource_id, column_name, descending, day) DO UPDATE SET count = {table}.count + 1",
                [value for name, descending in uses for value in (resource_id, name, descending, day)],
            )
    except DatabaseError:  # a lost count must not cost the caller the rows
        log.exception("could not count the columns used on resource %s", resource_id)


def _window_start():
    return timezone.localdate() - datetime.timedelta(days=settings.DATASTORE_INDEX_USE_DAYS - 1)


def popular(resource_id):
    """[(column name, descending)] used at least DATASTORE_INDEX_MIN_USES times lately, the most used first."""
    rows = (ColumnUse.objects.filter(resource_id=resource_id, day__gte=_window_start())
            .values("column_name", "descending").annotate(uses=Sum("count"))
            .filter(uses__gte=settings.DATASTORE_INDEX_MIN_USES)
            .order_by("-uses", "column_name", "descending")[:settings.DATASTORE_POPULAR_INDEXES])
    return [(row["column_name"], row["descending"]) for row in rows]


def create_popular(cursor, dialect, resource_id, table_name, columns, exclude=()):
    """Index the table's most used columns; returns the entries for its `indexed` list not in `exclude`."""
    by_name = {column["name"]: column for column in columns}
    added = []
    for name, descending in popular(resource_id):
        column = by_name.get(name)
        if column is None or column["type"] == types.GEOMETRY:
            continue  # the column went with a new version, or cannot be ordered
        create_index(cursor, dialect, table_name, column["column"], descending)
        entry = f"-{name}" if descending else name
        if entry not in exclude and entry not in added:
            added.append(entry)
    return added


def index_serving_tables():
    """Index the popular columns of every serving table that has any; forget uses older than the window.

    Returns {table name: entries added to its `indexed`}. Building an index blocks no reader.
    """
    start = _window_start()
    ColumnUse.objects.filter(day__lt=start).delete()
    used = ColumnUse.objects.filter(day__gte=start).values("resource_id")
    tables = DatastoreTable.objects.filter(is_active=True, status=DatastoreTable.Status.READY, resource_id__in=used)
    dialect, added = dialects.current(), {}
    for table in tables:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                entries = create_popular(cursor, dialect, table.resource_id, table.table_name, table.columns,
                                         exclude=table.indexed)
                if entries:
                    DatastoreTable.objects.filter(pk=table.pk).update(indexed=table.indexed + entries)
                    added[table.table_name] = entries
        except DatabaseError:  # the table was retired meanwhile, say: the next run sees the new one
            log.exception("could not index the popular columns of %s", table.table_name)
    return added
