"""Inserting many rows at the speed of the database: PostgreSQL's COPY, Django's bulk_create elsewhere.

Django's bulk_create compiles every value of every row into one INSERT, which costs more in Python than
PostgreSQL spends storing the rows (a harvest batch inserts tens of thousands: datasets, resources, their
history, the search entries and facet terms). COPY streams the rows instead; the ids of new rows are drawn
from the table's sequence first, in one query, so the objects have them afterwards as with bulk_create.

Only what bulk_create would do for these rows is done: `auto_now`/`auto_now_add` values and the field
defaults are filled (pre_save), no signal is sent, no `save()` is called.
"""
from django.db import connection, models

try:
    from psycopg.types.json import Jsonb
except ImportError:  # the embedded default (SQLite) needs no psycopg
    Jsonb = None


def _is_postgres():
    return connection.vendor == "postgresql"


def _adapter(field):
    """How one field's Python value becomes a COPY value (most go as they are)."""
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else Jsonb(value)
    if field.get_internal_type() in ("BinaryField", "DurationField", "DecimalField"):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def copy_rows(model, field_names, rows):
    """Insert `rows` (tuples of Python values, in the order of `field_names`) into `model`'s table.

    For rows whose ids nobody needs back (history lines, search terms, links): no objects are built.
    """
    rows = list(rows)
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    if not _is_postgres():
        model.objects.bulk_create([model(**dict(zip((f.attname for f in fields), row, strict=True))) for row in rows],
                                  batch_size=500)
        return
    adapters = [_adapter(field) for field in fields]
    if any(adapters):
        rows = [tuple(adapt(value) if adapt else value for adapt, value in zip(adapters, row, strict=True))
                for row in rows]
    _copy(model, [field.column for field in fields], rows)


def copy_objects(objects):
    """bulk_create(objects) of one model through COPY on PostgreSQL; the objects get their new ids."""
    objects = list(objects)
    if not objects:
        return objects
    model = type(objects[0])
    if not _is_postgres():
        return model.objects.bulk_create(objects, batch_size=500)
    opts = model._meta
    pk = opts.pk
    needing_ids = [obj for obj in objects if obj.pk is None]
    if needing_ids and isinstance(pk, models.AutoField):
        for obj, new_id in zip(needing_ids, _next_ids(opts.db_table, pk.column, len(needing_ids)), strict=True):
            obj.pk = new_id
    fields = [field for field in opts.concrete_fields if not field.generated]
    adapters = [_adapter(field) for field in fields]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    rows = []
    for obj in objects:
        for field in stamped:
            field.pre_save(obj, add=True)
        rows.append(tuple(adapt(getattr(obj, field.attname)) if adapt else getattr(obj, field.attname)
                          for field, adapt in zip(fields, adapters, strict=True)))
    _copy(model, [field.column for field in fields], rows)
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


def _next_ids(table, column, count):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [connection.ops.quote_name(table), column, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns, rows):
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
