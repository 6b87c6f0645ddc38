"""Typed Arrow arrays -> what each database takes in bulk, without turning values into text.

PostgreSQL: the binary COPY format (a row is a 16-bit field count, then per
field a 32-bit length, -1 for NULL, and the value in network byte order),
laid out for a whole record batch at once with numpy, so no Python object is
made per value. SQLite: tuples of Python values for executemany, in the forms
dialects.SQLite stores (booleans as 0/1, dates and times as ISO text).
The arrays are those of datastore.parquet.typed_arrays: int64, float64, bool,
date32, timestamp[us, UTC] and large_string.
"""
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # signature, flags, extension
COPY_TRAILER = b"\xff\xff"
POSTGRES_EPOCH_MICROSECONDS = 946_684_800 * 1_000_000  # 2000-01-01, PostgreSQL's zero for times
POSTGRES_EPOCH_DAYS = 10_957


def _big_endian(array, width):
    """A fixed-width array's values as PostgreSQL's bytes, one row of `width` bytes per value (nulls as 0)."""
    kind = array.type
    if pa.types.is_timestamp(kind):
        values = np.asarray(array.cast(pa.int64()).fill_null(0)) - POSTGRES_EPOCH_MICROSECONDS
        dtype = ">i8"
    elif pa.types.is_date(kind):
        values = np.asarray(array.cast(pa.int32()).fill_null(0)) - POSTGRES_EPOCH_DAYS
        dtype = ">i4"
    elif pa.types.is_boolean(kind):
        values = np.asarray(array.fill_null(False))
        dtype = "u1"
    else:
        values = np.asarray(array.fill_null(0))
        dtype = ">f8" if pa.types.is_floating(kind) else ">i8"
    return values.astype(dtype).view(np.uint8).reshape(-1, width)


def _width(kind):
    if pa.types.is_boolean(kind):
        return 1
    if pa.types.is_date(kind):
        return 4
    return 8


def _text_parts(array):
    """(value offsets, UTF-8 bytes, byte lengths with 0 for nulls) of a large_string array."""
    _validity, offsets, data = array.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64, count=len(array) + 1, offset=array.offset * 8)
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)
    return offsets[:-1], data, np.diff(offsets)


def copy_binary(arrays):
    """One record batch as the body of a binary COPY (without its header and trailer)."""
    rows = len(arrays[0])
    fields = []  # (valid mask, field size in bytes with its length word, how to write the value)
    for array in arrays:
        valid = np.asarray(array.is_valid()) if array.null_count else np.ones(rows, dtype=bool)
        if pa.types.is_large_string(array.type):
            starts, data, lengths = _text_parts(array)
            lengths = np.where(valid, lengths, 0)
            fields.append((valid, 4 + lengths, ("text", starts, data, lengths)))
        else:
            width = _width(array.type)
            fields.append((valid, np.where(valid, 4 + width, 4), ("fixed", _big_endian(array, width))))
    row_sizes = 2 + np.sum([size for _valid, size, _value in fields], axis=0)
    row_starts = np.zeros(rows, dtype=np.int64)
    np.cumsum(row_sizes[:-1], out=row_starts[1:])
    out = np.empty(int(row_sizes.sum()), dtype=np.uint8)
    out[row_starts[:, None] + np.arange(2)] = np.frombuffer(np.array(len(arrays), ">i2").tobytes(), np.uint8)
    position = row_starts + 2
    for valid, size, value in fields:
        length = np.where(valid, size - 4, -1).astype(">i4").view(np.uint8).reshape(-1, 4)
        out[position[:, None] + np.arange(4)] = length
        body = position + 4
        if value[0] == "fixed":
            raw = value[1]
            out[body[valid][:, None] + np.arange(raw.shape[1])] = raw[valid]
        else:
            _kind, starts, data, lengths = value
            total = int(lengths.sum())
            if total:
                # Each byte of each value: its place within the value, then where it comes from and goes.
                within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                out[np.repeat(body, lengths) + within] = data[np.repeat(starts, lengths) + within]
        position = position + size
    return out.data


def sqlite_rows(arrays):
    """The batch as tuples of Python values, the way dialects.SQLite stores each type."""
    columns = []
    for array in arrays:
        kind = array.type
        if pa.types.is_timestamp(kind):  # UTC text to the second, as SQLite.cast writes a datetime
            array = pc.strftime(pc.cast(array, pa.timestamp("s"), safe=False), format="%Y-%m-%dT%H:%M:%SZ")
        elif pa.types.is_date(kind):
            array = pc.strftime(array, format="%Y-%m-%d")
        elif pa.types.is_boolean(kind):
            array = array.cast(pa.int8())
        columns.append(array.to_pylist())
    return zip(*columns)
