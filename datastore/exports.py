"""Rows -> bytes, streamed: JSON, JSON Lines, CSV, TSV, GeoJSON, XLSX and Parquet, written in Python.

On PostgreSQL the database writes most formats itself (datastore.export_streams);
these writers serve SQLite, XLSX, and the small answers of the aggregate API.
Each writer takes the output columns ([{name, type}]) and an iterator of rows
(lists of values as datastore.selectors.fetch presents them) and yields byte
chunks, holding at most one batch of rows in memory, so a full export of any
size runs in constant memory; XLSX too, a zip deflated as its sheet is written
(core.xlsx_streams). Text cells that a spreadsheet would run as a formula are defused in CSV and XLSX.
"""
import csv
import datetime
import json

from core import xlsx_streams
from core.spreadsheets import safe_cell
from core.stream_sinks import StreamSink

from . import types

CHUNK_ROWS = 2000
FORMATS = {
    "json": ("application/json", "json"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "tsv"),
    "geojson": ("application/geo+json", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
# Dates and datetimes are presented as ISO text (types.presenter), and stay text in a workbook.
XLSX_CELLS = {types.INTEGER: xlsx_streams.NUMBER, types.NUMBER: xlsx_streams.NUMBER, types.BOOLEAN: xlsx_streams.BOOLEAN}
LONGITUDE_NAMES = {"longitude", "lon", "lng", "long", "经度", "x_lon"}
LATITUDE_NAMES = {"latitude", "lat", "纬度", "y_lat"}


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def dumps(value):
    return json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":"))


def geo_columns(columns):
    """How rows become features: ("geometry", name) or ("point", lon name, lat name), or None."""
    by_lower = {c["name"].strip().lower(): c for c in columns}
    for column in columns:
        if column["type"] == types.GEOMETRY:
            return ("geometry", column["name"])
    lon = next((by_lower[n] for n in LONGITUDE_NAMES if n in by_lower), None)
    lat = next((by_lower[n] for n in LATITUDE_NAMES if n in by_lower), None)
    if lon and lat and lon["type"] in types.NUMERIC and lat["type"] in types.NUMERIC:
        return ("point", lon["name"], lat["name"])
    return None


def _batched(chunks):
    """Join small pieces so each yielded chunk is a reasonable size."""
    buffer, size = [], 0
    for piece in chunks:
        buffer.append(piece)
        size += len(piece)
        if size >= 64 * 1024:
            yield b"".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer)


def write_json(columns, rows):
    names = [c["name"] for c in columns]

    def pieces():
        yield b"["
        for position, row in enumerate(rows):
            yield (b"," if position else b"") + dumps(dict(zip(names, row))).encode()
        yield b"]"
    return _batched(pieces())


def write_jsonl(columns, rows):
    names = [c["name"] for c in columns]
    return _batched(dumps(dict(zip(names, row))).encode() + b"\n" for row in rows)


class _Line:
    def write(self, value):
        return value


def csv_header(columns, delimiter=","):
    """The first line of a CSV or TSV export: a BOM (spreadsheets then read UTF-8 right) and the defused names."""
    writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\n")
    return ("\ufeff" + writer.writerow([safe_cell(c["name"]) for c in columns])).encode()


def _delimited_cell(column_type):
    """How a presented value is written as text, as PostgreSQL writes it (datastore.sql_exports), or None if as is."""
    if column_type == types.STRING:
        return lambda value: value if value is None else safe_cell(value)
    if column_type == types.BOOLEAN:
        return lambda value: value if value is None else ("true" if value else "false")
    return None


def write_csv(columns, rows, delimiter=","):
    writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\n")
    converters = [(i, convert) for i, convert in enumerate(_delimited_cell(c["type"]) for c in columns) if convert]

    def pieces():
        yield csv_header(columns, delimiter)
        for row in rows:
            row = list(row)
            for i, convert in converters:
                row[i] = convert(row[i])
            yield writer.writerow(row).encode()
    return _batched(pieces())


def write_tsv(columns, rows):
    return write_csv(columns, rows, delimiter="\t")


def write_geojson(columns, rows):
    geo = geo_columns(columns)
    names = [c["name"] for c in columns]
    if geo[0] == "geometry":
        skip = {geo[1]}
    else:
        skip = set()  # coordinates stay among the properties too

    def geometry(record):
        if geo[0] == "geometry":
            text = record.get(geo[1])
            try:
                return json.loads(text) if text else None
            except ValueError:
                return None
        lon, lat = record.get(geo[1]), record.get(geo[2])
        return None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}

    def pieces():
        yield b'{"type":"FeatureCollection","features":['
        for position, row in enumerate(rows):
            record = dict(zip(names, row))
            feature = {"type": "Feature", "geometry": geometry(record),
                       "properties": {k: v for k, v in record.items() if k not in skip}}
            yield (b"," if position else b"") + dumps(feature).encode()
        yield b"]}"
    return _batched(pieces())


def write_xlsx(columns, rows):
    text_columns = [i for i, c in enumerate(columns) if c["type"] == types.STRING]

    def defused(rows):
        for row in rows:
            row = list(row)
            for i in text_columns:
                if row[i] is not None:
                    row[i] = safe_cell(row[i])
            yield row
    kinds = [XLSX_CELLS.get(c["type"], xlsx_streams.TEXT) for c in columns]
    return xlsx_streams.xlsx_stream([safe_cell(c["name"]) for c in columns], kinds, defused(rows))


def arrow_schema(columns):
    import pyarrow as pa

    arrow_types = {
        types.INTEGER: pa.int64(), types.NUMBER: pa.float64(), types.BOOLEAN: pa.bool_(), types.DATE: pa.date32(),
        types.DATETIME: pa.timestamp("us", tz="UTC"), types.STRING: pa.string(), types.GEOMETRY: pa.string(),
    }
    return pa.schema([pa.field(c["name"], arrow_types[c["type"]]) for c in columns])


def write_parquet(columns, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    converters = [_parquet_converter(c["type"]) for c in columns]
    sink = StreamSink()  # drained after each row group
    writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="snappy")
    batch = []

    def flush():
        arrays = [pa.array([convert(row[i]) for row in batch], type=schema.field(i).type)
                  for i, convert in enumerate(converters)]
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= 10 * CHUNK_ROWS:
            flush()
            yield from sink.drain()
    if batch or not sink.tell():
        flush()
    writer.close()
    yield from sink.drain()


def _parquet_converter(column_type):
    if column_type == types.DATE:
        return lambda value: value if value is None else datetime.date.fromisoformat(value)
    if column_type == types.DATETIME:
        return lambda value: value if value is None else datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return lambda value: value


WRITERS = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv, "tsv": write_tsv, "geojson": write_geojson,
           "xlsx": write_xlsx, "parquet": write_parquet}
