"""CSV and TSV read by Arrow's CSV reader into typed record batches, with the types sampled from the first rows.

SQLite's fast path (PostgreSQL parses CSV itself, with COPY): Arrow parses and
converts in C++ what the staging path checks value by value. A value Arrow
cannot read as its column's sampled type ends it (DoesNotFit), and so does a
NaN, which the staging path keeps as text: the load then checks every value on
the staging path instead. Datetimes are read with a zone or without one, as the
sample shows them; a column mixing both goes to the staging path.
"""
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from . import parquet, types

BLOCK_BYTES = 8 * 1024 * 1024
ZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")
READ_TYPES = {types.INTEGER: pa.int64(), types.NUMBER: pa.float64(), types.BOOLEAN: pa.bool_(),
              types.DATE: pa.date32(), types.STRING: pa.large_string()}
TRUE, FALSE = ["true", "TRUE", "True"], ["false", "FALSE", "False"]  # types.PATTERNS[BOOLEAN]


class DoesNotFit(Exception):
    """Some value is not of its column's sampled type: every value must be checked."""


def _read_type(column_type, sampled):
    if column_type != types.DATETIME:
        return READ_TYPES[column_type]
    zoned = {bool(ZONE.search(value)) for value in sampled}
    if len(zoned) > 1:
        raise DoesNotFit
    return pa.timestamp("us", tz="UTC") if zoned == {True} else pa.timestamp("us")  # no zone: UTC, as COPY reads it


def typed_batches(source, physical, column_types, missing):
    """Lists of arrays of the storage types (datastore.parquet.ARROW_TARGETS), one per block of the file."""
    sample = source.sample()
    read_types = {}
    for position, (column, column_type) in enumerate(zip(physical, column_types)):
        sampled = [row[position] for row in sample if row[position] is not None and row[position] not in missing]
        read_types[column] = _read_type(column_type, sampled)
    source.file.seek(0)
    options = {
        "read_options": arrow_csv.ReadOptions(
            column_names=physical, skip_rows=1, block_size=BLOCK_BYTES,
            encoding="utf8" if source.encoding == "utf-8" else source.encoding),
        "parse_options": arrow_csv.ParseOptions(delimiter=source.delimiter, newlines_in_values=True),
        "convert_options": arrow_csv.ConvertOptions(
            column_types=read_types, null_values=list(missing), strings_can_be_null=True,
            true_values=TRUE, false_values=FALSE),
    }
    try:
        for batch in arrow_csv.open_csv(source.file, **options):
            for column, column_type in zip(batch.columns, column_types):
                if column_type == types.NUMBER and pc.any(pc.is_nan(column)).as_py():
                    raise DoesNotFit
            yield parquet.typed_arrays(batch, physical, column_types, ())
    except (pa.ArrowInvalid, parquet.ParquetError):  # a conversion error, a row of another width, a year past 9999
        raise DoesNotFit from None
