"""Which writer makes each export, and the framing around what PostgreSQL writes.

On PostgreSQL, CSV, TSV, JSON, JSON Lines and GeoJSON are written by the
database (the COPY statements of datastore.sql_exports) and streamed as they
arrive; Parquet is the same COPY's CSV, read by pyarrow's streaming CSV reader
into Arrow record batches with the table's column types, written a row group at a time.
XLSX, and every format on SQLite, are written in Python by datastore.exports
from a cursor (selectors.fetch). Whichever path, a chunk at a time: memory stays
flat however many rows, and closing the stream early cancels the query.
"""
import io
import itertools
from contextlib import closing

from core.stream_sinks import StreamSink

from . import dialects, exports, selectors, sql_exports

# CSV parsed per record batch (~11,000 rows of flights); batches are written in row groups of at least
# PARQUET_GROUP_ROWS. Bigger blocks cost the server more memory for no speed.
PARQUET_BLOCK_BYTES = 1024 * 1024
PARQUET_GROUP_ROWS = 64 * 1024


def export_chunks(rows_query, fmt):
    """The rows of a RowQuery (its fields only, not _id) in format `fmt`, as byte chunks."""
    if dialects.current().vendor == "postgresql" and fmt in DATABASE_WRITERS:
        return DATABASE_WRITERS[fmt](rows_query)
    columns = rows_query.output_columns()
    rows = selectors.fetch(*rows_query.sql(), rows_query.read_types())
    return exports.WRITERS[fmt](columns, (row[1:len(columns) + 1] for row in rows))


def _delimited(fmt):
    def write(rows_query):
        yield exports.csv_header(rows_query.output_columns(), sql_exports.DELIMITERS[fmt])
        yield from selectors.copy_out(*sql_exports.delimited(rows_query, fmt))
    return write


def _between(head, lines, tail):
    """`head`, the lines (each ending with a newline) with a comma between each two, then `tail`."""
    yield head
    held = b""
    with closing(lines):  # closed with this generator: the query is cancelled with it
        for chunk in lines:
            chunk = chunk.replace(b"\n", b"\n,")
            if chunk.endswith(b","):  # the comma after the last line so far: sent only if a line follows
                chunk, next_held = chunk[:-1], b","
            else:
                next_held = b""
            yield held + chunk
            held = next_held
    yield tail


def _json(rows_query):
    return _between(b"[", selectors.copy_out(*sql_exports.json_lines(rows_query)), b"]")


def _json_lines(rows_query):
    return selectors.copy_out(*sql_exports.json_lines(rows_query))


def _geojson(rows_query):
    setup, statement, params = sql_exports.geojson_features(rows_query, exports.geo_columns(rows_query.output_columns()))
    features = selectors.copy_out(statement, params, setup)
    return _between(b'{"type":"FeatureCollection","features":[', features, b"]}")


class _ChunkFile(io.RawIOBase):
    """A readable file over byte chunks: what pyarrow's CSV reader pulls the COPY through."""

    def __init__(self, chunks):
        super().__init__()
        self._chunks = chunks
        self._rest = b""

    def readable(self):
        return True

    def read(self, size=-1):
        pieces, have = [self._rest], len(self._rest)
        while size < 0 or have < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            pieces.append(chunk)
            have += len(chunk)
        data = b"".join(pieces)
        cut = len(data) if size < 0 else size
        self._rest = data[cut:]
        return data[:cut]


def _row_groups(batches, rows):
    """Record batches gathered in lists of at least `rows` rows (the last may hold fewer)."""
    group, count = [], 0
    for batch in batches:
        group.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield group
            group, count = [], 0
    if group:
        yield group


def _parquet(rows_query):
    import pyarrow as pa
    import pyarrow.csv as arrow_csv
    import pyarrow.parquet as pq

    columns = rows_query.output_columns()
    schema = exports.arrow_schema(columns)
    sink = StreamSink()  # drained after each row group
    writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="snappy")
    with closing(selectors.copy_out(*sql_exports.delimited(rows_query, "csv", defused=False))) as chunks:
        first = next(chunks, None)
        if first is None:
            writer.write_table(schema.empty_table())
        else:
            # One thread: the reader pulls the COPY from this generator, which only its own thread may run.
            batches = arrow_csv.open_csv(
                _ChunkFile(itertools.chain([first], chunks)),
                read_options=arrow_csv.ReadOptions(column_names=[c["name"] for c in columns], use_threads=False,
                                                   block_size=PARQUET_BLOCK_BYTES),
                parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
                # PostgreSQL writes NULL as an empty field and an empty string as "".
                convert_options=arrow_csv.ConvertOptions(column_types=schema, null_values=[""], strings_can_be_null=True,
                                                         quoted_strings_can_be_null=False))
            for group in _row_groups(batches, PARQUET_GROUP_ROWS):
                writer.write_table(pa.Table.from_batches(group, schema=schema))
                yield from sink.drain()
    writer.close()
    yield from sink.drain()


DATABASE_WRITERS = {"csv": _delimited("csv"), "tsv": _delimited("tsv"), "json": _json, "jsonl": _json_lines,
                    "geojson": _geojson, "parquet": _parquet}
