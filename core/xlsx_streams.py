"""A one-sheet XLSX workbook written row by row into a zip streamed as it is built, in constant memory.

openpyxl's write-only mode keeps memory flat too, but writes the whole workbook to
a temporary file before the first byte leaves, at ~2,500 rows a second. Here the
sheet's XML is made with string operations, text as inline strings (no shared
strings table to hold), and deflated into the zip as it comes (core.zip_streams'
StreamSink). Cells hold text, numbers or booleans; None is an empty cell.
"""
import math
import re
import zipfile

from .stream_sinks import StreamSink
from .zip_streams import ZIP_COMPRESSLEVEL

TEXT, NUMBER, BOOLEAN = "text", "number", "boolean"
CHUNK_BYTES = 256 * 1024

# What XML 1.0 cannot hold at all (openpyxl's ILLEGAL_CHARACTERS_RE): dropped from text.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": _HEAD + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": _HEAD + (
        f'<Relationships xmlns="{_RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{_DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": _HEAD + (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT}"><sheets>'
        '<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": _HEAD + (
        f'<Relationships xmlns="{_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOCUMENT}/styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": _HEAD + (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
SHEET_START = _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


def _escaped(text):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return ILLEGAL_CHARACTERS.sub("", text)


def _text_cell(value):
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_escaped(str(value))}</t></is></c>'


def _number_cell(value):
    if isinstance(value, float) and not math.isfinite(value):
        return _text_cell(value)  # a spreadsheet number cannot be NaN or infinite
    return f"<c><v>{value!r}</v></c>"


def _boolean_cell(value):
    return f'<c t="b"><v>{int(value)}</v></c>'


CELLS = {TEXT: _text_cell, NUMBER: _number_cell, BOOLEAN: _boolean_cell}


def _sheet_rows(header, kinds, rows):
    yield '<row r="1">' + "".join(_text_cell(name) for name in header) + "</row>"
    writers = [CELLS[kind] for kind in kinds]
    for number, row in enumerate(rows, start=2):
        cells = "".join("<c/>" if value is None else write(value) for write, value in zip(writers, row))
        yield f'<row r="{number}">{cells}</row>'


def xlsx_stream(header, kinds, rows, sheet="data"):
    """Yield the workbook of a `header` row of texts and `rows` (sequences of cells) as zip chunks.

    `kinds` gives each column's cell kind (TEXT, NUMBER or BOOLEAN); `sheet` is the sheet's name.
    """
    sink = StreamSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_COMPRESSLEVEL,
                         allowZip64=True) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text.replace("{sheet}", _escaped(sheet).replace('"', "&quot;")))
        with archive.open("xl/worksheets/sheet1.xml", mode="w", force_zip64=True) as part:
            pending, size = [SHEET_START], 0
            for line in _sheet_rows(header, kinds, rows):
                pending.append(line)
                size += len(line)
                if size >= CHUNK_BYTES:
                    part.write("".join(pending).encode())
                    pending, size = [], 0
                    yield from sink.drain()
            pending.append(SHEET_END)
            part.write("".join(pending).encode())
        yield from sink.drain()
    yield from sink.drain()
