"""Typed Arrow arrays -> what each database takes in bulk, without turning values into text.

PostgreSQL: the binary COPY format (a row is a 16-bit field count, then per
field a 32-bit length, -1 for NULL, and the value in network byte order),
laid out for a whole record batch at once with numpy and Arrow's compute
functions, so no Python object is made per value. SQLite: tuples of Python values for executemany, in the forms
dialects.SQLite stores (booleans as 0/1, dates and times as ISO text).
The arrays are those of datastore.parquet.typed_arrays: int64, float64, bool,
date32, timestamp[us, UTC] and large_string.
"""
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # signature, flags, extension
COPY_TRAILER = b"\xff\xff"
NULL_WORD = b"\xff\xff\xff\xff"  # a field's length -1: NULL
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


def _fixed_pieces(matrix):
    """Rows of equal width (a numpy uint8 matrix) as a large_binary array, without copying them one by one."""
    rows, width = matrix.shape
    pieces = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), rows, [None, pa.py_buffer(np.ascontiguousarray(matrix))])
    return pieces.cast(pa.large_binary())


def _length_words(lengths):
    return _fixed_pieces(np.asarray(lengths).astype(">i4").view(np.uint8).reshape(-1, 4))


def copy_binary(arrays):
    """One record batch as the body of a binary COPY (without its header and trailer).

    Each field becomes a binary array of its bytes per row (length word, then value), and Arrow joins
    them row by row in C++: the joined array's data buffer is the COPY body.
    """
    rows = len(arrays[0])
    field_count = np.frombuffer(np.array(len(arrays), ">i2").tobytes(), np.uint8)
    pieces = [_fixed_pieces(np.broadcast_to(field_count, (rows, 2)))]
    for array in arrays:
        if pa.types.is_large_string(array.type):
            pieces.append(_length_words(pc.binary_length(array).fill_null(-1)))
            pieces.append(array.cast(pa.large_binary()).fill_null(b""))
            continue
        width = _width(array.type)
        word = np.broadcast_to(np.array([0, 0, 0, width], np.uint8), (rows, 4))
        field = _fixed_pieces(np.concatenate([word, _big_endian(array, width)], axis=1))
        if array.null_count:
            field = pc.if_else(array.is_valid(), field, pa.scalar(NULL_WORD, pa.large_binary()))
        pieces.append(field)
    joined = pc.binary_join_element_wise(*pieces, pa.scalar(b"", pa.large_binary()))
    used = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=rows + 1)[rows]
    return joined.buffers()[2][:used]


def numbered(arrays, first):
    """The arrays with the rows' _id first: first, first + 1, ..."""
    return [pa.array(np.arange(first, first + len(arrays[0]), dtype=np.int64)), *arrays]


def sqlite_rows(arrays):
    """The batch as tuples of Python values, the way dialects.SQLite stores each type."""
    columns = []
    for array in arrays:
        kind = array.type
        # Casts to text, not strftime: that looks up the time zone per value, seven times slower.
        if pa.types.is_timestamp(kind):  # UTC text to the second, as SQLite.cast writes a datetime
            text = pc.cast(pc.cast(array, pa.timestamp("s"), safe=False), pa.string())  # "2013-01-01 05:00:00"
            array = pc.binary_join_element_wise(pc.replace_substring(text, " ", "T", max_replacements=1), "Z", "")
        elif pa.types.is_date(kind):
            array = pc.cast(array, pa.string())
        elif pa.types.is_boolean(kind):
            array = array.cast(pa.int8())
        columns.append(array.to_pylist())
    return zip(*columns)
