"""Loading resource versions into tables: the datastore's write rules, in one place.

A version loads into a staging table of text columns (PostgreSQL parses raw
CSV with COPY; other formats and SQLite go through datastore.readers), then
each column's type is checked in SQL over every row, and the typed table
ds_<resource>_<version> is built, indexed and made active in one transaction.
Two fast paths skip the staging table: CSV whose sampled types hold on every
row (COPY straight into the typed table; on SQLite, Arrow's CSV reader), and
Parquet whose column types fit the schema (typed record batches, binary COPY
on PostgreSQL). Until then the
previous version's table keeps serving; a failed load records its errors and
leaves it serving. Progress is written between batches, each its own short
transaction, so the resource page can show it while it runs.
"""
import itertools
import logging

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from datasets.models import ResourceVersion

from . import arrow_csv, arrow_writes, dialects, indexing, parquet, plans, readers, signals, types
from .dialects import ROW_ID, qn
from .models import DatastoreTable
from .readers import LoadError

log = logging.getLogger(__name__)

CHUNK_BYTES = settings.DATASTORE_COPY_CHUNK_BYTES
ROW_BATCH = 50_000
ARROW_BATCHES_A_COMMIT = 4  # of parquet.BATCH_ROWS rows
MAX_ERRORS = 20


def table_name(version):
    return f"ds_{version.resource_id}_{version.number}"


def staging_name(table):
    return f"{table.table_name}_load"


def record_for(version):
    """The version's table record, created pending on first sight."""
    table, _created = DatastoreTable.objects.get_or_create(
        version=version,
        defaults={"resource_id": version.resource_id, "table_name": table_name(version),
                  "source_format": version.format.upper(), "bytes_total": version.size},
    )
    return table


# --- loading --------------------------------------------------------------------

def load_version(version_id):
    """Load one version (idempotent: a ready or failed table is left alone, anything else is redone).

    Every start counts as an attempt; a delivery finding JOB_MAX_ATTEMPTS spent
    (workers killed or timed out each time) fails the load instead of retrying it.
    """
    version = ResourceVersion.objects.select_related("resource").filter(pk=version_id).first()
    if version is None or not readers.is_tabular(version.format):
        return None
    table = record_for(version)
    if table.status in (DatastoreTable.Status.READY, DatastoreTable.Status.FAILED):
        return table
    if jobs.attempts_spent(table.attempts):
        give_up(table)
        return table
    _update(table, status=DatastoreTable.Status.LOADING, started=timezone.now(), finished=None, errors=[],
            rows_loaded=0, bytes_read=0, row_count=None, columns=[], indexed=[], attempts=table.attempts + 1)
    try:
        with jobs.beating(DatastoreTable.objects.filter(pk=table.pk)):
            _load(version, table)
    except (OperationalError, InterfaceError, psycopg.OperationalError):
        drop_tables(table)
        raise  # the connection or server failed: the task retries
    except (LoadError, parquet.ParquetError, DatabaseError, psycopg.Error, ValueError, SoftTimeLimitExceeded) as error:
        drop_tables(table)
        _fail(table, _messages(error))
        log.info("datastore load of version %s failed: %s", version_id, table.errors)
        return table
    transaction.on_commit(lambda: retire_old_tables(version.resource_id))
    transaction.on_commit(lambda: signals.table_loaded.send(DatastoreTable, table_id=table.pk))
    table.refresh_from_db()
    return table


def _load(version, table):
    dialect = dialects.current()
    _drop(staging_name(table))
    _drop(table.table_name)
    with readers.open_source(version) as source:
        plan = plans.plan_for(source, version.resource.table_schema)
        loaded = None
        if source.parquet is not None:
            loaded = _copy_parquet(dialect, source.parquet, table, plan)
        elif source.format in readers.DELIMITED_FORMATS:
            copy = _copy_typed if dialect.vendor == "postgresql" else _insert_parsed
            loaded = copy(dialect, source, table, plan)
        if loaded is None:
            with connection.cursor() as cursor:
                with transaction.atomic():
                    dialect.create_staging(cursor, staging_name(table), plan.physical)
                loaded = _fill(cursor, dialect, source, table, plan.physical)
                _resolve_types(cursor, dialect, staging_name(table), plan)
        with transaction.atomic():
            if not plan.copied:
                _build(dialect, table, plan)
            _index(dialect, table, plan)
            _activate(table, plan, loaded, source.encoding)


def give_up(table):
    """Fail a load whose attempts are spent, saying so; what its last run left behind goes."""
    drop_tables(table)
    _fail(table, [_("加载已开始 %(n)d 次均未完成（工作进程中断或超时），不再重试。") % {"n": table.attempts}])


def _fail(table, messages):
    _update(table, status=DatastoreTable.Status.FAILED, finished=timezone.now(), errors=messages[:MAX_ERRORS],
            interrupted=False)


def _messages(error):
    if isinstance(error, SoftTimeLimitExceeded):
        return [_("加载超过时间上限（%(n)d 秒）。") % {"n": settings.JOB_SOFT_TIME_LIMIT}]
    if isinstance(error, LoadError) and isinstance(error.args[0], list):
        return error.args[0]
    return [_database_message(error)]


def _database_message(error):
    diag = getattr(error, "diag", None) or getattr(getattr(error, "__cause__", None), "diag", None)
    if diag is not None and diag.message_primary:
        context = f" ({diag.context.strip()})" if diag.context else ""
        return f"{diag.message_primary}{context}"[:1000]
    return str(error)[:1000]


def _update(table, **fields):
    for name, value in fields.items():
        setattr(table, name, value)
    DatastoreTable.objects.filter(pk=table.pk).update(**fields)


def _fill(cursor, dialect, source, table, physical):
    """Write every row into the staging table, a batch per transaction, recording progress."""
    staging, loaded, read = staging_name(table), 0, 0
    if dialect.vendor == "postgresql" and source.format in readers.DELIMITED_FORMATS:
        for position, chunk in enumerate(readers.record_chunks(source.file, CHUNK_BYTES)):
            with transaction.atomic():
                loaded += dialect.copy_csv(cursor, staging, physical, chunk, delimiter=source.delimiter,
                                           source_encoding=source.encoding, header=position == 0)
                read += len(chunk)
                _update(table, rows_loaded=loaded, bytes_read=read)
        return loaded
    rows = source.rows()
    while True:
        batch = list(itertools.islice(rows, ROW_BATCH))
        if not batch:
            break
        with transaction.atomic():
            loaded += dialect.write_rows(cursor, staging, physical, batch)
            _update(table, rows_loaded=loaded)
    _update(table, bytes_read=table.bytes_total)
    return loaded


def _copy_typed(dialect, source, table, plan):
    """The fast path: COPY the raw CSV straight into the typed table, with the types the sample suggests.

    PostgreSQL parses, transcodes and converts in C, as `psql \\copy` does. If a
    value later in the file does not fit the guess (or more than one missing-value
    marker is used), the table is dropped and None returned: the staging path then
    checks every value. Returns the row count.
    """
    guess = plan.guess()
    if guess is None:
        return None
    guessed, null_marker = guess
    loaded = read = 0
    with connection.cursor() as cursor:
        _create_final(cursor, dialect, table, plan, guessed, identity=True)
        try:
            for position, chunk in enumerate(readers.record_chunks(source.file, CHUNK_BYTES)):
                with transaction.atomic():
                    loaded += dialect.copy_csv(cursor, table.table_name, plan.physical, chunk,
                                               delimiter=source.delimiter, source_encoding=source.encoding,
                                               header=position == 0, null=null_marker)
                    read += len(chunk)
                    _update(table, rows_loaded=loaded, bytes_read=read)
        except (DataError, psycopg.errors.DataError):  # Django's, or psycopg's from the raw COPY
            log.info("datastore: %s does not fit its sampled types; checking every value", table.table_name)
            _drop(table.table_name)
            _update(table, rows_loaded=0, bytes_read=0)
            return None
    plan.types.update(guessed)
    plan.copied = True
    return loaded


def _copy_parquet(dialect, parquet_table, table, plan):
    """Parquet whose column types fit the schema: its record batches straight into the typed table, as typed values.

    Returns the row count, or None when some declared type needs every value checked (the staging path then
    reads the file as text, like any other).
    """
    column_types = parquet_table.direct_types(plan.names, plan.declared)
    if column_types is None:
        return None
    batches = (parquet.typed_arrays(batch, plan.names, column_types, plan.missing) for batch in parquet_table.batches())
    return _write_typed(dialect, table, plan, column_types, batches,
                        lambda loaded: table.bytes_total * loaded // max(parquet_table.num_rows, 1))


def _insert_parsed(dialect, source, table, plan):
    """SQLite's fast path for CSV: Arrow parses it with the sampled types (datastore.arrow_csv), rows go in typed.

    Returns the row count, or None (the table dropped) when some value does not fit: the staging path decides.
    """
    guess = plan.guess()
    if guess is None:
        return None
    column_types = [guess[0][name] for name in plan.names]
    try:
        return _write_typed(dialect, table, plan, column_types,
                            arrow_csv.typed_batches(source, plan.physical, column_types, plan.missing),
                            lambda _loaded: source.file.tell())
    except arrow_csv.DoesNotFit:
        log.info("datastore: %s does not fit its sampled types; checking every value", table.table_name)
        _drop(table.table_name)
        _update(table, rows_loaded=0, bytes_read=0)
        return None


def _write_typed(dialect, table, plan, column_types, batches, bytes_read):
    """Lists of typed arrays into the typed table, each row given its _id; returns the row count."""
    loaded = 0
    with connection.cursor() as cursor:
        _create_final(cursor, dialect, table, plan, dict(zip(plan.names, column_types)))
        # A few batches a transaction: each COPY and commit costs, each batch alone would double the time.
        while group := list(itertools.islice(batches, ARROW_BATCHES_A_COMMIT)):
            chunk = []
            for arrays in group:
                chunk.append(arrow_writes.numbered(arrays, loaded + 1))
                loaded += len(arrays[0])
            with transaction.atomic():
                dialect.write_arrow(cursor, table.table_name, [ROW_ID, *plan.physical], chunk)
                _update(table, rows_loaded=loaded, bytes_read=bytes_read(loaded))
    plan.types.update(zip(plan.names, column_types))
    plan.copied = True
    return loaded


def _create_final(cursor, dialect, table, plan, column_types, identity=False):
    """The typed table; with `identity` the database numbers the rows, else the load gives each its _id.

    On PostgreSQL the primary key is added once the rows are in (dialect.add_row_key): built in one
    sort, it costs a third of keeping it up row by row. SQLite's INTEGER PRIMARY KEY is the row itself.
    """
    if dialect.vendor == "postgresql":
        # Numbers taken 100,000 at a time, not one sequence call a row; one load, so still 1, 2, 3...
        row_id = "bigint GENERATED ALWAYS AS IDENTITY (CACHE 100000)" if identity else "bigint NOT NULL"
    else:
        row_id = "INTEGER PRIMARY KEY"
    definitions = ", ".join(
        f"{qn(column)} {dialect.sql_type(column_types[name])}" for name, column in zip(plan.names, plan.physical)
    )
    cursor.execute(f"CREATE TABLE {qn(table.table_name)} ({qn(ROW_ID)} {row_id}, {definitions})", [])


def _present(dialect, column, missing):
    """SQL (and params) true when a staged text value is neither NULL nor a missing-value marker."""
    if not missing:
        return f"{qn(column)} IS NOT NULL", []
    return f"{qn(column)} IS NOT NULL AND {qn(column)} NOT IN ({', '.join(['%s'] * len(missing))})", list(missing)


def _resolve_types(cursor, dialect, staging, plan):
    """Check each candidate type on every row in one scan; the narrowest that fits wins.

    A declared (Table Schema) type that some value does not fit fails the load,
    naming the column, the number of bad values and one of them.
    """
    checks, selects, params = [], [], []
    for name, column in zip(plan.names, plan.physical):
        for candidate in plan.candidates.get(name, ()):
            present, present_params = _present(dialect, column, plan.missing)
            bad = f"{present} AND NOT ({dialect.matches(qn(column))})"
            selects.append(f"SUM(CASE WHEN {bad} THEN 1 ELSE 0 END)")
            selects.append(f"MIN(CASE WHEN {bad} THEN {qn(column)} END)")
            params += present_params + [types.PATTERNS[candidate]] + present_params + [types.PATTERNS[candidate]]
            checks.append((name, candidate))
    if checks:
        cursor.execute(f"SELECT {', '.join(selects)} FROM {qn(staging)}", params)
        result = cursor.fetchone()
        failures = {check: (result[2 * i] or 0, result[2 * i + 1]) for i, check in enumerate(checks)}
    errors = []
    for name in plan.names:
        if name in plan.types:
            continue
        fitting = [c for c in plan.candidates[name] if failures[(name, c)][0] == 0]
        if name in plan.declared and not fitting:
            count, example = failures[(name, plan.declared[name])]
            errors.append(_("列“%(column)s”有 %(count)d 个值不是 %(type)s 类型，例如“%(example)s”。")
                          % {"column": name, "count": count, "type": plan.declared[name], "example": example})
        plan.types[name] = fitting[0] if fitting else types.STRING
    if errors:
        raise LoadError(errors)


def _build(dialect, table, plan):
    """The typed table from the staging one; the staging table goes."""
    final, staging = table.table_name, staging_name(table)
    selects, params = [], []
    for name, column in zip(plan.names, plan.physical):
        present, present_params = _present(dialect, column, plan.missing)
        selects.append(f"CASE WHEN {present} THEN {dialect.cast(qn(column), plan.types[name])} END")
        params += present_params
    columns = ", ".join(qn(column) for column in plan.physical)
    with connection.cursor() as cursor:
        _create_final(cursor, dialect, table, plan, plan.types)
        cursor.execute(
            f"INSERT INTO {qn(final)} ({qn(ROW_ID)}, {columns}) "
            f"SELECT {qn(ROW_ID)}, {', '.join(selects)} FROM {qn(staging)}", params,
        )
        cursor.execute(f"DROP TABLE {qn(staging)}", [])


def _index(dialect, table, plan):
    """The indexes the Table Schema asks for and those the query log earns, built once the rows are in; statistics."""
    with connection.cursor() as cursor:
        dialect.add_row_key(cursor, table.table_name)
        for name in plan.indexed:
            indexing.create_key_index(cursor, table.table_name, plan.physical[plan.names.index(name)])
        plan.indexed += indexing.create_popular(cursor, dialect, table.resource_id, table.table_name, plan.columns(),
                                                exclude=plan.indexed)
        dialect.after_load(cursor, table.table_name)


def _activate(table, plan, loaded, source_encoding):
    """Make the new table the one served, unless a newer version is already active (a late retry)."""
    current = (DatastoreTable.objects.select_for_update().select_related("version")
               .filter(resource_id=table.resource_id, is_active=True).exclude(pk=table.pk).first())
    newer_is_active = current is not None and current.version.number > table.version.number
    if current is not None and not newer_is_active:
        _update(current, is_active=False)
    _update(table, status=DatastoreTable.Status.READY, is_active=not newer_is_active, finished=timezone.now(),
            columns=plan.columns(), indexed=plan.indexed, row_count=loaded, rows_loaded=loaded,
            encoding=source_encoding, interrupted=False)


def retire_old_tables(resource_id):
    """Drop inactive tables but the latest one (a request may still be reading it)."""
    inactive = DatastoreTable.objects.filter(resource_id=resource_id, is_active=False,
                                             status=DatastoreTable.Status.READY).order_by("-version__number")
    for table in inactive[1:]:
        table.delete()  # drop_deleted_table removes its rows


def drop_deleted_table(sender, instance, **kwargs):
    """post_delete of a DatastoreTable (or of its resource): its rows go once the deletion commits."""
    transaction.on_commit(lambda: drop_tables(instance))


def _drop(name):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(name)}", [])


def drop_tables(table):
    """Drop a load's staging and typed tables (what a failed or killed run leaves behind)."""
    for name in (staging_name(table), table.table_name):
        try:
            with transaction.atomic():
                _drop(name)
        except DatabaseError:
            log.exception("could not drop datastore table %s", name)
