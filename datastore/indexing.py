"""Indexes of loaded tables: the keys a Table Schema declares, and the columns the rows API is asked for most.

A declared key gets an index on its column alone (lookups and joins; compact,
PostgreSQL stores a repeated value once). A column the rows API is asked for
gets one ending with _id, the last key of every order, so that a filter or a
sort on it pages by keyset through the index alone (datastore.keyset): a deep
page costs what the first one does. Indexes are built once the rows are in,
never kept up row by row during a load. The rows and aggregate APIs count,
per resource, column and day, which columns they filter and sort by
(ColumnUse, nothing about the caller): in memory, written by each process
every DATASTORE_USE_FLUSH_SECONDS in one upsert, so a read costs no write; after each load
and hourly (datastore.tasks.index_popular_columns, `manage.py
index_datastore_columns`) the most used get an index: one ascending (filters
and ascending sorts) or descending (listed as "-<name>" in the table's
`indexed`) per column and direction asked for.
"""
import collections
import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from datasets.models import Resource

from . import dialects, types
from .dialects import ROW_ID, qn
from .models import ColumnUse, DatastoreTable

log = logging.getLogger(__name__)


def create_key_index(cursor, table_name, column):
    """The index of a declared key: its column alone."""
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {qn(f'{table_name}_{column}')} ON {qn(table_name)} ({qn(column)})", [])


def create_order_index(cursor, dialect, table_name, column, descending):
    """The index on (column, _id) serving filters on the column and its order in one direction, page after page."""
    name = f"{table_name}_{column}_{'desc' if descending else 'asc'}"
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(table_name)} "
                   f"({qn(column)} {dialect.index_order(descending)}, {qn(ROW_ID)})", [])


class _PendingUses:
    """This process's counts not yet written: {(resource id, column name, descending, day): uses}."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.since = time.monotonic()

    def add(self, keys):
        """Count the keys; True when the counts are due to be written."""
        with self.lock:
            self.counts.update(keys)
            return time.monotonic() - self.since >= settings.DATASTORE_USE_FLUSH_SECONDS

    def take(self):
        with self.lock:
            counts, self.counts, self.since = self.counts, collections.Counter(), time.monotonic()
        return counts


_PENDING = _PendingUses()


def record_use(resource_id, uses):
    """Count one request's [(column name, descending)]; written with the process's other counts when due."""
    day = timezone.localdate()
    if uses and _PENDING.add({(resource_id, name, descending, day) for name, descending in uses}):
        flush_uses()


def flush_uses():
    """Write this process's pending counts: one upsert, whose commit nobody waits for; a lost count costs nothing."""
    counts = _PENDING.take()
    existing = set(Resource.objects.filter(pk__in={key[0] for key in counts}).values_list("pk", flat=True))
    rows = [(*key, uses) for key, uses in sorted(counts.items()) if key[0] in existing]  # deleted meanwhile: dropped
    if not rows:
        return
    table = qn(ColumnUse._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            dialects.current().skip_commit_wait(cursor)
            # INSERT ... ON CONFLICT DO UPDATE: the same statement on PostgreSQL and SQLite (>= 3.24).
            cursor.execute(
                f"INSERT INTO {table} (resource_id, column_name, descending, day, count) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
                + f" ON CONFLICT (resource_id, column_name, descending, day) "
                f"DO UPDATE SET count = {table}.count + EXCLUDED.count",
                [value for row in rows for value in row],
            )
    except DatabaseError:  # the caller's rows matter more than a count
        log.warning("could not write %d column use counts", len(rows), exc_info=True)


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
        create_order_index(cursor, dialect, table_name, column["column"], descending)
        entry = f"-{name}" if descending else name
        if entry not in exclude and entry not in added:
            added.append(entry)
    return added


def index_serving_tables():
    """Index the popular columns of every serving table that has any; forget uses older than the window.

    Returns {table name: entries added to its `indexed`}. Building an index blocks no reader.
    """
    flush_uses()  # this process's own counts; the web servers' come within DATASTORE_USE_FLUSH_SECONDS
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
