"""Uploaded files: safe names, format detection from content, checksums, size and container limits.

The format of a file is read from its bytes, never trusted from its name or
from what the uploader claims; a claim that contradicts the content is refused.
"""
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext as _

from core import encodings, inspection
from core.exceptions import PayloadTooLarge

CHUNK_SIZE = 1024 * 1024
SNIFF_BYTES = 64 * 1024

# Canonical format -> media type.
MEDIA_TYPES = {
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XML": "application/xml",
    "TXT": "text/plain",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ZIP": "application/zip",
    "PDF": "application/pdf",
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "PARQUET": "application/vnd.apache.parquet",
    "GZIP": "application/gzip",
    "SHP": "application/x-shapefile",
    "BIN": "application/octet-stream",
    # Told apart from XML and ZIP by their contents (see XML_KINDS and detect_format).
    "KML": "application/vnd.google-earth.kml+xml",
    "KMZ": "application/vnd.google-earth.kmz",
    "RDF": "application/rdf+xml",
}

# Formats told by their first bytes (a zip package is told apart by its name, in detect_format).
MAGIC_NUMBERS = (
    (b"PAR1", "PARQUET"),
    (inspection.GZIP_MAGIC, "GZIP"),
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "XLS"),
)

# Claimed formats that a detected format may legitimately satisfy.
COMPATIBLE_CLAIMS = {
    "CSV": {"CSV", "TXT"},
    "TSV": {"TSV", "CSV", "TXT"},
    "TXT": {"TXT", "CSV", "TSV"},
    "JSON": {"JSON", "GEOJSON"},
    "GEOJSON": {"GEOJSON", "JSON"},
    "XLSX": {"XLSX", "ZIP"},
    "DOCX": {"DOCX", "ZIP"},
    "ZIP": {"ZIP", "SHP"},
    "KML": {"KML", "XML"},
    "RDF": {"RDF", "XML"},
    "KMZ": {"KMZ", "ZIP"},
}
# The root of an XML document names what it is; namespace prefixes vary, hence the loose patterns.
XML_KINDS = ((re.compile(r"<(\w+:)?kml[\s>]"), "KML"), (re.compile(r"<(\w+:)?RDF[\s>]"), "RDF"))


class SpoolingUploadHandler(TemporaryFileUploadHandler):
    """Django's handler spooling large uploads to FILE_UPLOAD_TEMP_DIR (settings.FILE_UPLOAD_HANDLERS),
    removing the spooled part at once when that disk fills: Django leaves it until the garbage
    collector runs, and the full disk would refuse every upload after it (core.outages: a 507)."""

    def _removing_on_error(self, step, *args):
        try:
            return step(*args)
        except OSError:
            with contextlib.suppress(OSError):  # the buffered bytes cannot be flushed; the file goes anyway
                self.file.close()
            raise

    def receive_data_chunk(self, raw_data, start):
        return self._removing_on_error(super().receive_data_chunk, raw_data, start)

    def file_complete(self, file_size):
        return self._removing_on_error(super().file_complete, file_size)


@dataclass
class StoredFacts:
    filename: str
    format: str
    media_type: str
    size: int
    sha256: str


def safe_filename(name):
    """The name to keep for a file, or a ValidationError naming the problem.

    Path separators and control characters are refused rather than silently
    rewritten, so the uploader learns the name is wrong.
    """
    if not name or not name.strip():
        raise ValidationError({"file": _("文件名不能为空。")})
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise ValidationError({"file": _("文件名不能包含路径分隔符。")})
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError({"file": _("文件名不能包含控制字符。")})
    if len(name) > 200:
        raise ValidationError({"file": _("文件名不能超过 200 个字符。")})
    return unicodedata.normalize("NFC", name.strip())


def _detect_text_format(head, extension):
    text = encodings.decode(head)  # a multi-byte character cut by the sniff window is still text
    if text is None or "\x00" in text:
        return None
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        try:
            document = json.loads(text)
        except ValueError:
            document = None  # truncated by the sniff window: judge by the opening
        if isinstance(document, dict) and document.get("type") in {"FeatureCollection", "Feature"}:
            return "GEOJSON"
        if document is not None or len(head) >= SNIFF_BYTES:
            return "GEOJSON" if '"FeatureCollection"' in stripped[:2000] else "JSON"
    if stripped.startswith("<"):
        return next((fmt for pattern, fmt in XML_KINDS if pattern.search(stripped[:4000])), "XML")
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) >= 1:
        sample = "\n".join(lines)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = None
        if delimiter:
            widths = {len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)}
            if len(widths) == 1 and widths.pop() > 1:
                return "TSV" if delimiter == "\t" else "CSV"
    if extension in {"csv", "tsv"} and lines:
        return extension.upper()
    return "TXT"


def detect_format(head, filename):
    """(format, media type) from the first bytes of a file."""
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    if not head:
        raise ValidationError({"file": _("文件为空。")})
    if head.startswith(inspection.ZIP_MAGIC):
        if extension in {"xlsx", "docx", "kmz"}:
            # An OOXML package or a KMZ is a zip; its name is the only cheap hint left.
            fmt = extension.upper()
        else:
            fmt = "ZIP"
        return fmt, MEDIA_TYPES[fmt]
    for magic, fmt in MAGIC_NUMBERS:
        if head.startswith(magic):
            return fmt, MEDIA_TYPES[fmt]
    text_format = _detect_text_format(head, extension)
    if text_format:
        return text_format, MEDIA_TYPES[text_format]
    try:
        guessed = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        guessed = ""
    return "BIN", guessed or MEDIA_TYPES["BIN"]


def check_claimed_format(claimed, detected):
    if not claimed:
        return
    claimed = claimed.strip().upper().lstrip(".")
    if claimed == detected or claimed in COMPATIBLE_CLAIMS.get(detected, {detected}):
        return
    raise ValidationError(
        {"format": _("声明的格式 %(claimed)s 与文件内容（%(detected)s）不符。")
         % {"claimed": claimed, "detected": detected}}
    )


def _too_large(limit):
    return PayloadTooLarge(_("文件超过大小上限（%(limit)s 字节）。") % {"limit": limit}, field="file")


def inspect_upload(uploaded, claimed_format=None, limit=None):
    """Check an uploaded file and return its facts; reads it once, in chunks.

    `limit` is the size limit in bytes, RESOURCE_MAX_UPLOAD_BYTES unless the caller has its own.
    """
    filename = safe_filename(getattr(uploaded, "name", "") or "")
    size = getattr(uploaded, "size", None)
    limit = settings.RESOURCE_MAX_UPLOAD_BYTES if limit is None else limit
    if size is not None and size > limit:
        raise _too_large(limit)
    digest = hashlib.sha256()
    head = b""
    total = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK_SIZE) if hasattr(uploaded, "chunks") else iter(
        lambda: uploaded.read(CHUNK_SIZE), b""
    ):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
    uploaded.seek(0)
    if total == 0:
        raise ValidationError({"file": _("文件为空。")})
    fmt, media_type = detect_format(head, filename)
    check_claimed_format(claimed_format, fmt)
    try:
        inspection.check_contents(uploaded, fmt)
    except inspection.Refused as error:
        raise ValidationError({"file": str(error)}) from None
    return StoredFacts(filename=filename, format=fmt, media_type=media_type, size=total, sha256=digest.hexdigest())

