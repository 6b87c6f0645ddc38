"""Reading a tabular file safely (a contribution, a resource version): container limits first, encodings per line, raw headers.

CSV/TSV stream line by line (each line decoded on its own, so a file that
mixes encodings is reported with row numbers instead of failing whole); XLSX
goes through core.inspection (read-only openpyxl, streaming) only after its
zip directory passed the size and ratio limits; JSON arrays and Parquet files (a record
batch at a time, each cell as the text the datastore reads) go through datastore.readers.
"""
import csv

from django.utils.translation import gettext as _

from core import encodings, inspection
from datastore.readers import LoadError, Source
from datastore.types import as_text

TABULAR_FORMATS = ("CSV", "TSV", "XLSX", "JSON", "PARQUET")


class Unreadable(Exception):
    """The file cannot be read as what it claims to be; the message says why, for whoever sent it."""


class Table:
    """`header` (raw labels), `encoding`, and `rows()`: (row number, cells as text) in file order.

    `encoding_errors` lists the row numbers whose bytes did not decode (read with replacement characters).
    """

    def __init__(self, fileobj, fmt):
        self.file = fileobj
        self.format = fmt
        self.encoding = ""
        self.encoding_errors = []
        if fmt in ("CSV", "TSV"):
            self._open_delimited()
        elif fmt == "XLSX":
            self._open_xlsx()
        elif fmt in ("JSON", "PARQUET"):
            self._open_source()
        else:
            raise Unreadable(_("格式 %(format)s 不是表格数据。") % {"format": fmt})

    # --- CSV / TSV ---
    def _open_delimited(self):
        self.encoding = encodings.detect_file(self.file)
        head = self.file.read(encodings.SAMPLE_BYTES).decode(self.encoding, errors="ignore")
        self.file.seek(0)
        self.delimiter = "\t" if self.format == "TSV" else ","
        if self.format == "CSV":
            try:
                self.delimiter = csv.Sniffer().sniff("\n".join(head.splitlines()[:50]), delimiters=",\t;|").delimiter
            except csv.Error:
                pass
        first = next(self._delimited(), None)
        if first is None:
            raise Unreadable(_("文件没有表头。"))
        self.header = first[1]

    def _lines(self):
        """Decoded lines; no byte of a UTF-8, GB18030 or Big5 multi-byte character is a newline."""
        self.file.seek(0)
        codec = "utf-8" if self.encoding == encodings.UTF8_BOM else self.encoding
        for number, raw in enumerate(self.file, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError:
                self.encoding_errors.append(number)
                yield raw.decode(codec, errors="replace")

    def _delimited(self):
        reader = csv.reader(self._lines(), delimiter=self.delimiter, quotechar='"', strict=False)
        try:
            for row in reader:
                if row or reader.line_num == 1:
                    yield reader.line_num, row
        except csv.Error as error:
            raise Unreadable(_("第 %(line)d 行无法读取：%(error)s") % {"line": reader.line_num, "error": error}) \
                from None

    # --- XLSX ---
    def _open_xlsx(self):
        try:
            self._sheet = inspection.open_sheet(self.file)
            first = next(self._xlsx(), None)
        except inspection.Refused as error:
            raise Unreadable(str(error)) from None
        except Exception as error:  # openpyxl raises many kinds for a damaged package
            raise Unreadable(_("无法读取 XLSX 文件：%(error)s") % {"error": error}) from None
        if first is None:
            raise Unreadable(_("工作表为空。"))
        self.encoding = "xlsx"
        self.header = first[1]

    def _xlsx(self):
        for number, row in enumerate(self._sheet.rows(), start=1):
            cells = ["" if cell is None else as_text(cell) for cell in row]
            while cells and cells[-1] == "":
                cells.pop()
            yield number, cells

    # --- JSON, Parquet ---
    def _open_source(self):
        try:
            self._source = Source(self.file, self.format)
        except LoadError as error:
            raise Unreadable(str(error)) from None
        self.encoding = self._source.encoding
        self.header = list(self._source.header)

    def rows(self):
        """Data rows after the header."""
        if self.format in ("CSV", "TSV"):
            rows = self._delimited()
            next(rows, None)
            return rows
        if self.format == "XLSX":
            rows = self._xlsx()
            next(rows, None)
            return rows
        return self._source_rows()

    def _source_rows(self):
        try:
            for number, row in enumerate(self._source.rows(), start=2):
                yield number, ["" if cell is None else cell for cell in row]
        except LoadError as error:  # a damaged Parquet page, met where it is
            raise Unreadable(str(error)) from None
