"""A file over HTTP: its attachment name, byte ranges and the 416 answer.

Who may have a file is not decided here; this module only knows HTTP
(RFC 6266 / RFC 8187 names, RFC 9110 ranges and If-Range).
"""
import os
import re
import unicodedata
from urllib.parse import quote

from django.core.files.storage import FileSystemStorage
from django.http import JsonResponse
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

from core.exceptions import error_body

# Revalidate every time (cheap with the ETag) so a changed grade takes effect at
# once, and keep conditional data out of shared caches.
DOWNLOAD_CACHE_CONTROL = "private, no-cache"
# A redirect to a signed URL is never stored: the URL stops working once it expires.
PRESIGNED_CACHE_CONTROL = "private, no-store"
UNSATISFIABLE = "unsatisfiable"

_BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE)
# Not allowed in the ASCII fallback name: non-printable, quote, backslash, and
# ';' / '%' that lenient parsers mistake for parameter separators or escapes.
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\;%]')


def content_disposition(filename):
    """`attachment` with an ASCII fallback name and the real name per RFC 6266 / RFC 8187."""
    stem, extension = os.path.splitext(filename)

    def ascii_only(text):
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return _FALLBACK_UNSAFE.sub("_", folded).strip(" ._")

    extension = ascii_only(extension)
    fallback = (ascii_only(stem) or "download") + (f".{extension}" if extension else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def accel_redirect_location(prefix, storage, name):
    """The X-Accel-Redirect URI of a stored file under nginx's internal `prefix`, or None to stream it here.

    Only files on the local disk (which the internal location aliases) are handed over;
    with no prefix set, or another storage (object storage), Django sends the bytes itself.
    """
    if not prefix or not isinstance(storage, FileSystemStorage):
        return None
    return f"{prefix.rstrip('/')}/{quote(name)}"


def presigned_location(seconds, storage, name, headers):
    """A URL of the object store that sends the stored file for `seconds`, or None to send it from here.

    Only a storage that signs its URLs (django-storages' S3 backend, querystring_auth) gives one;
    the store answers with the download's Content-Type and Content-Disposition, given in the URL.
    """
    if not seconds or not getattr(storage, "querystring_auth", False):
        return None
    parameters = {"ResponseContentType": headers["Content-Type"],
                  "ResponseContentDisposition": headers["Content-Disposition"]}
    return storage.url(name, parameters=parameters, expire=seconds)


def set_headers(response, headers):
    """Set headers after construction, over those a response class chose itself (FileResponse's Content-Type)."""
    for name, value in headers.items():
        response[name] = value


def parse_byte_range(header, size):
    """(first, last) inclusive for one satisfiable range, UNSATISFIABLE, or None to send it all.

    Malformed and multi-range headers give None: RFC 9110 lets a server ignore
    Range, which is simpler and safer than multipart/byteranges.
    """
    match = _BYTE_RANGE.fullmatch(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    try:
        if not first:
            suffix = int(last)
            if suffix == 0 or size == 0:
                return UNSATISFIABLE
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last else None
    except ValueError:  # more digits than int() accepts
        return None
    if end is not None and end < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return start, size - 1 if end is None else min(end, size - 1)


def _if_range_matches(value, etag, last_modified):
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison: a weak tag never matches
    return parse_http_date_safe(value) == last_modified


def requested_range(request, etag, last_modified, size):
    """The byte range to send for this request (see parse_byte_range); Range applies to GET only."""
    header = request.META.get("HTTP_RANGE")
    if request.method != "GET" or not header:
        return None
    if_range = request.META.get("HTTP_IF_RANGE", "").strip()
    if if_range and not _if_range_matches(if_range, etag, last_modified):
        return None  # the client's partial copy is stale: send the whole file
    return parse_byte_range(header, size)


def range_not_satisfiable(size):
    """The 416 answer, in the portal's one error shape, with the size the range missed."""
    response = JsonResponse(
        error_body(416, "range_not_satisfiable",
                   _("请求的字节范围超出文件大小（%(size)d 字节）。") % {"size": size}),
        status=416, json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Range"] = f"bytes */{size}"
    return response


class FileSlice:
    """`length` bytes of an open file from `start`, read in chunks.

    It has no fileno() on purpose: a WSGI server's sendfile() would otherwise
    send the file to its end instead of stopping at the range.
    """

    def __init__(self, file, start, length):
        self._file = file
        self._remaining = length
        self.bytes_read = 0
        if start:
            file.seek(start)

    def read(self, size=-1):
        if size is None or size < 0 or size > self._remaining:
            size = self._remaining
        data = self._file.read(size) if size else b""
        self._remaining -= len(data)
        self.bytes_read += len(data)
        return data

    def close(self):
        self._file.close()
