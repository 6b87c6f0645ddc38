"""Hostile containers for the upload-inspection tests (no tests here): real, small files that inflate hugely."""
import gzip
import io
import zipfile

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["名称", "数量"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet(sheet_xml):
    """A valid XLSX package (openpyxl's own) whose first sheet is `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, sheet_xml if item.filename == SHEET else source.read(item))
    return out.getvalue()


def xlsx_bomb(rows=4, cell=10 * 1024 * 1024):
    """An XLSX whose sheet XML (rows of one 10 MB cell of zeros, 40 MB in all) deflates about 1000:1."""
    row = b'<row><c t="inlineStr"><is><t>' + b"0" * cell + b"</t></is></c></row>"
    return xlsx_with_sheet(SHEET_HEAD + b"<sheetData>" + row * rows + b"</sheetData></worksheet>")


def xlsx_declaring(dimension):
    """A tiny XLSX whose sheet declares `dimension` (e.g. A1:XFD1048576): openpyxl would pad every row to it."""
    return xlsx_with_sheet(SHEET_HEAD + f'<dimension ref="{dimension}"/>'.encode()
                           + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row></sheetData>'
                           b"</worksheet>")


def gzip_bomb(size=64 * 1024 * 1024):
    return gzip.compress(b"0" * size, compresslevel=9)
