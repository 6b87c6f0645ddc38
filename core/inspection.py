"""What a compressed file may hold: one rule for every upload and every stored file a task reads.

Resources (pages, API, admin, the contribution merge) and contributions are
checked at upload time through core.uploads.inspect_upload; the datastore
loader and the contribution validator check the stored file again before
parsing it. Zip containers (ZIP, XLSX, DOCX...) are judged by their central
directory: Python's zipfile (which openpyxl uses) never inflates a member
beyond the size its directory declares, so the declared sizes bound what
any reader will get. Gzip has no trustworthy size field, so it is inflated
once, in pieces, and given up as soon as it passes the limits. An XLSX's
shared strings are read whole by openpyxl, even in read-only mode, and a
sheet's declared dimension makes openpyxl pad every row to it: both are
bounded too, and the sheet is then read streaming. A Parquet file is read a
row group at a time, so each row group's declared unpacked size is bounded
the same way (pyarrow allocates a page at the size its header declares).
"""
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
CHUNK = 1024 * 1024
# Members this small are never refused for their ratio: a tiny file of repeated bytes is not a bomb.
RATIO_FLOOR = 1024 * 1024


class Refused(Exception):
    """The file would inflate beyond the limits, or is a damaged container; the message says which, for people."""


def _head(fileobj):
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    return head


def check_contents(fileobj, fmt=""):
    """Refuse a zip or gzip container whose contents exceed the limits, reading no more than the limits allow."""
    head = _head(fileobj)
    if head.startswith(ZIP_MAGIC):
        if (fmt or "").upper() == "XLSX":
            open_sheet(fileobj).close()
        else:
            _zip_entries(fileobj)
    elif head.startswith(GZIP_MAGIC):
        _check_gzip(fileobj)
    elif head.startswith(PARQUET_MAGIC):
        check_parquet(fileobj)


def _too_big(total):
    return Refused(_("解压后大小 %(size)d 字节超过上限 %(limit)d 字节（疑似压缩炸弹）。")
                   % {"limit": settings.UPLOAD_MAX_UNZIPPED_BYTES, "size": total})


def _zip_entries(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise Refused(_("压缩包已损坏：%(error)s") % {"error": error}) from None
    finally:
        fileobj.seek(0)
    total = sum(entry.file_size for entry in entries)
    if total > settings.UPLOAD_MAX_UNZIPPED_BYTES:
        raise _too_big(total)
    ratio = settings.UPLOAD_MAX_COMPRESSION_RATIO
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > ratio * max(entry.compress_size, 1):
            raise Refused(_("文件 %(name)s 的压缩比超过 %(ratio)d 倍（疑似压缩炸弹）。")
                          % {"name": entry.filename, "ratio": ratio})
    return entries


def _check_shared_strings(entries):
    limit = settings.UPLOAD_MAX_SHARED_STRINGS_BYTES
    for entry in entries:
        if entry.filename.lower().endswith("sharedstrings.xml") and entry.file_size > limit:
            raise Refused(_("XLSX 的共享字符串表超过上限 %(limit)d 字节。") % {"limit": limit})


def _check_gzip(fileobj):
    """Inflate the gzip stream (every member) in bounded pieces; stop once it passes the size or the ratio."""
    fileobj.seek(0, 2)
    packed = fileobj.tell()
    fileobj.seek(0)
    limit = min(settings.UPLOAD_MAX_UNZIPPED_BYTES,
                max(RATIO_FLOOR, settings.UPLOAD_MAX_COMPRESSION_RATIO * packed))
    inflater, total = zlib.decompressobj(16 + zlib.MAX_WBITS), 0
    try:
        while True:
            data = inflater.unconsumed_tail or fileobj.read(CHUNK)
            if not data:
                break
            total += len(inflater.decompress(data, CHUNK))
            if total > limit:
                raise Refused(_("解压后大小超过上限或压缩比超过 %(ratio)d 倍（疑似压缩炸弹）。")
                              % {"ratio": settings.UPLOAD_MAX_COMPRESSION_RATIO})
            if inflater.eof:  # a further member may follow
                rest = inflater.unused_data
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                if rest:
                    total += len(inflater.decompress(rest, CHUNK))
    except zlib.error as error:
        raise Refused(_("压缩文件已损坏：%(error)s") % {"error": error}) from None
    finally:
        fileobj.seek(0)


def check_parquet(fileobj):
    """Refuse a Parquet file whose footer cannot be read, or a row group that would unpack beyond the limits."""
    import pyarrow
    import pyarrow.parquet

    try:
        metadata = pyarrow.parquet.ParquetFile(fileobj).metadata
        groups = [metadata.row_group(i) for i in range(metadata.num_row_groups)]
        packed = [sum(group.column(j).total_compressed_size for j in range(group.num_columns)) for group in groups]
    except (pyarrow.ArrowException, OSError, ValueError) as error:
        raise Refused(_("Parquet 文件已损坏：%(error)s") % {"error": error}) from None
    finally:
        fileobj.seek(0)
    ratio = settings.UPLOAD_MAX_COMPRESSION_RATIO
    for group, size in zip(groups, packed):
        if group.total_byte_size > settings.UPLOAD_MAX_UNZIPPED_BYTES:
            raise _too_big(group.total_byte_size)
        if group.total_byte_size > RATIO_FLOOR and group.total_byte_size > ratio * max(size, 1):
            raise Refused(_("Parquet 行组的压缩比超过 %(ratio)d 倍（疑似压缩炸弹）。") % {"ratio": ratio})


class Sheet:
    """The first worksheet of an XLSX, read streaming within the sheet limits: `rows()` yields tuples of values."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.sheet = workbook.worksheets[0]
        rows, columns = self.sheet.max_row, self.sheet.max_column  # the declared <dimension>, None if absent
        if (rows or 0) > settings.UPLOAD_MAX_SHEET_ROWS or (columns or 0) > settings.UPLOAD_MAX_SHEET_COLUMNS:
            raise Refused(_("工作表声明的大小（%(rows)d 行 × %(columns)d 列）超过上限（%(max_rows)d 行 × %(max_columns)d 列）。")
                          % {"rows": rows or 0, "columns": columns or 0, "max_rows": settings.UPLOAD_MAX_SHEET_ROWS,
                             "max_columns": settings.UPLOAD_MAX_SHEET_COLUMNS})

    def rows(self):
        limit = settings.UPLOAD_MAX_SHEET_ROWS
        # Missing rows come out as empty ones, so a row numbered a billion is refused here, not walked to.
        for number, row in enumerate(self.sheet.iter_rows(values_only=True), start=1):
            if number > limit:
                raise Refused(_("工作表超过 %(n)d 行。") % {"n": limit})
            yield row

    def close(self):
        self.workbook.close()


def open_sheet(fileobj):
    """The first sheet of an XLSX, once its container passed the limits; Refused when it cannot be read safely."""
    import openpyxl

    _check_shared_strings(_zip_entries(fileobj))
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged package
        fileobj.seek(0)
        raise Refused(_("无法读取 XLSX 文件：%(error)s") % {"error": error}) from None
    try:
        if not workbook.worksheets:
            raise Refused(_("工作簿中没有工作表。"))
        return Sheet(workbook)
    except Refused:
        workbook.close()
        raise
    finally:
        fileobj.seek(0)
