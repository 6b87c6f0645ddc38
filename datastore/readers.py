"""Read a stored tabular file as a header and rows of text, whatever its format.

CSV/TSV stream through the csv module; XLSX through openpyxl in read-only
mode, within core.inspection's limits (checked again on the stored file);
JSON arrays and GeoJSON feature collections are parsed whole, so their size
is bounded (DATASTORE_MAX_JSON_BYTES); Parquet a record batch at a time
(datastore.parquet), which also keeps its typed columns for the loader.
Every value comes out as text or None, so one type check (datastore.types)
serves every format.
"""
import csv
import io
import json
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core import encodings, inspection

from . import parquet, types

TABULAR_FORMATS = ("CSV", "TSV", "XLSX", "JSON", "GEOJSON", "PARQUET")
DELIMITED_FORMATS = ("CSV", "TSV")
SAMPLE_ROWS = 2000
MAX_COLUMN_NAME = 200
MAX_COLUMNS = 1000


class LoadError(Exception):
    """The file cannot become a table; the message says why, for the publisher."""


def is_tabular(fmt):
    return (fmt or "").upper() in TABULAR_FORMATS


def clean_header(names):
    """Shown column names: trimmed, never empty, unique, not the reserved row id."""
    if len(names) > MAX_COLUMNS:
        raise LoadError(_("列数超过上限 %(n)d。") % {"n": MAX_COLUMNS})
    cleaned, seen = [], set()
    for position, name in enumerate(names, start=1):
        name = ("" if name is None else str(name)).strip()[:MAX_COLUMN_NAME] or f"column_{position}"
        base, suffix = name, 2
        while name in seen or name == "_id":
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        cleaned.append(name)
    return cleaned


class Source:
    """An opened tabular file: `header`, `rows()` (lists of text); for CSV/TSV the raw bytes, for Parquet `parquet`."""

    def __init__(self, fileobj, fmt):
        self.file = fileobj
        self.format = fmt
        self.encoding = ""
        self.delimiter = None
        self.geometry_column = None
        self.parquet = None
        self.file_types = {}  # {shown name: type} a file declares itself (Parquet's column types)
        if fmt in DELIMITED_FORMATS:
            self._open_delimited()
        elif fmt == "XLSX":
            self._open_xlsx()
        elif fmt == "PARQUET":
            self._open_parquet()
        else:
            self._open_json()

    # --- CSV / TSV ---
    def _open_delimited(self):
        self.encoding = encodings.detect_file(self.file)
        head = self.file.read(encodings.SAMPLE_BYTES)
        self.file.seek(0)
        text = head.decode(self.encoding, errors="ignore")
        if self.format == "TSV":
            self.delimiter = "\t"
        else:
            try:
                self.delimiter = csv.Sniffer().sniff("\n".join(text.splitlines()[:50]), delimiters=",\t;|").delimiter
            except csv.Error:
                self.delimiter = ","
        reader = self._reader()
        try:
            self.header = clean_header(next(reader))
        except StopIteration:
            raise LoadError(_("文件没有表头。")) from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise LoadError(_("无法读取表头：%(error)s") % {"error": error}) from None

    def _reader(self):
        self.file.seek(0)
        stream = io.TextIOWrapper(self.file, encoding=self.encoding, newline="")
        self._wrappers = getattr(self, "_wrappers", []) + [stream]
        return csv.reader(stream, delimiter=self.delimiter, quotechar='"', strict=False)

    def _delimited_rows(self):
        reader = self._reader()
        next(reader, None)
        width = len(self.header)
        try:
            for row in reader:
                if not row:
                    continue
                if len(row) != width:
                    raise LoadError(_("第 %(line)d 行有 %(got)d 列，表头有 %(want)d 列。")
                                    % {"line": reader.line_num, "got": len(row), "want": width})
                yield row
        except (csv.Error, UnicodeDecodeError) as error:
            raise LoadError(_("第 %(line)d 行无法读取：%(error)s") % {"line": reader.line_num, "error": error}) from None

    # --- XLSX ---
    def _open_xlsx(self):
        try:
            self._sheet = inspection.open_sheet(self.file)
        except inspection.Refused as error:
            raise LoadError(str(error)) from None
        self.encoding = "xlsx"
        rows = self._xlsx_rows()
        try:
            self.header = clean_header(next(rows))
        except StopIteration:
            raise LoadError(_("工作表为空。")) from None

    def _xlsx_rows(self):
        try:
            for row in self._sheet.rows():
                if row and any(cell is not None and cell != "" for cell in row):
                    yield [types.as_text(cell) for cell in row]
        except inspection.Refused as error:
            raise LoadError(str(error)) from None

    def _xlsx_data_rows(self):
        rows = self._xlsx_rows()
        next(rows, None)
        width = len(self.header)
        for row in rows:
            yield (row + [None] * width)[:width]

    # --- JSON array / GeoJSON ---
    def _open_json(self):
        self.file.seek(0, 2)
        if self.file.tell() > settings.DATASTORE_MAX_JSON_BYTES:  # parsed whole: memory grows with the file
            raise LoadError(_("JSON 文件超过 %(limit)d 字节，无法加载；请改用 CSV。")
                            % {"limit": settings.DATASTORE_MAX_JSON_BYTES})
        self.file.seek(0)
        raw = self.file.read()
        self.encoding = encodings.detect(raw[: encodings.SAMPLE_BYTES])
        try:
            document = json.loads(raw.decode(self.encoding))
        except (ValueError, UnicodeDecodeError) as error:
            raise LoadError(_("JSON 无法解析：%(error)s") % {"error": error}) from None
        if isinstance(document, dict) and document.get("type") == "FeatureCollection":
            features = document.get("features") or []
            records = [{**(f.get("properties") or {}), "geometry": f.get("geometry")} for f in features
                       if isinstance(f, dict)]
            self.geometry_column = "geometry"
        elif isinstance(document, list):
            records = document
        else:
            raise LoadError(_("JSON 应为对象数组或 GeoJSON FeatureCollection。"))
        if records and all(isinstance(r, list) for r in records):
            names, self._records = records[0], [dict(zip(range(len(records[0])), r)) for r in records[1:]]
            keys = list(range(len(names)))
        elif all(isinstance(r, dict) for r in records):
            keys = list(dict.fromkeys(key for record in records for key in record))
            if self.geometry_column:  # keep the geometry last, and its name unchanged
                keys = [key for key in keys if key != "geometry"] + ["geometry"]
            names, self._records = keys, records
        else:
            raise LoadError(_("JSON 数组的元素应全部为对象，或全部为数组（第一个为表头）。"))
        if not keys:
            raise LoadError(_("JSON 中没有数据。"))
        self._keys = keys
        self.header = clean_header(names)

    def _json_rows(self):
        for record in self._records:
            yield [types.as_text(record.get(key)) for key in self._keys]

    # --- Parquet ---
    def _open_parquet(self):
        try:
            self.parquet = parquet.ParquetTable(self.file)
        except parquet.ParquetError as error:
            raise LoadError(str(error)) from None
        if not self.parquet.names:
            raise LoadError(_("Parquet 文件中没有列。"))
        self.encoding = "parquet"
        self.header = clean_header(self.parquet.names)
        self.file_types = dict(zip(self.header, self.parquet.file_types))

    def _parquet_rows(self):
        try:
            yield from self.parquet.text_rows()
        except parquet.ParquetError as error:
            raise LoadError(str(error)) from None

    def rows(self):
        if self.format in DELIMITED_FORMATS:
            return self._delimited_rows()
        if self.format == "XLSX":
            return self._xlsx_data_rows()
        if self.format == "PARQUET":
            return self._parquet_rows()
        return self._json_rows()

    def sample(self):
        """The first SAMPLE_ROWS rows, read anew (rows() can still be read from the start); none of a Parquet file,
        whose columns declare their types."""
        if self.parquet is not None:
            return []
        rows, sample = self.rows(), []
        for row in rows:
            sample.append(row)
            if len(sample) >= SAMPLE_ROWS:
                break
        return sample


@contextmanager
def open_source(version):
    """The version's file as a Source, closed afterwards."""
    fmt = (version.format or "").upper()
    if fmt not in TABULAR_FORMATS:
        raise LoadError(_("格式 %(format)s 不是表格数据。") % {"format": fmt})
    fileobj = default_storage.open(version.file.name, "rb")
    try:
        yield Source(fileobj, fmt)
    finally:
        fileobj.close()


def record_chunks(fileobj, size):
    """The raw bytes of a delimited file in pieces that end on a record boundary.

    A newline ends a record when the number of double quotes before it is even
    (an escaped quote is two quotes). No byte of a GB18030/Big5/UTF-8
    multi-byte character is a quote or a newline, so this holds in every encoding.
    """
    fileobj.seek(0)
    carry = b""
    while True:
        block = fileobj.read(size)
        if not block:
            if carry.strip():
                yield carry.rstrip(b"\r\n") + b"\n"
            return
        data = carry + block
        total = data.count(b'"')
        cut = data.rfind(b"\n")
        while cut >= 0 and (total - data.count(b'"', cut + 1)) % 2:
            cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            carry = data
            continue
        yield data[: cut + 1]
        carry = data[cut + 1:]
