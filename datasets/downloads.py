"""File downloads: one version of a resource, or a whole dataset as a zip, streamed.

Who may download what is decided by datasets.grading (through the selectors);
this module only turns an allowed file into HTTP: byte ranges, conditional
requests, attachment names, nginx X-Accel-Redirect and download counts.

Memory stays constant whatever the file size: bodies are read from storage in
CHUNK_SIZE pieces and zips are built on the fly, one chunk at a time.

Download counts: a download is counted once the server has finished with
(closed) a GET response that carried the file from its first byte -- a 200, a
206 whose range starts at byte 0, an X-Accel-Redirect hand-off or the redirect
to an external link. HEAD, 304, 412, 416 and range continuations (a resumed or
parallel download asking for later bytes) are not counted, so one download
split into several range requests counts once. An aborted transfer still
counts: behind nginx the application cannot know how much the client got.
A zip counts as one download of every file in it. Counting happens at close,
through a Celery task, so neither the database nor the broker delays the
first byte.

Audit: every GET of conditional data that sends bytes (or hands them to nginx,
or redirects to a link) writes one access.models.AuditEntry at close: who,
which API key, dataset, resource and the bytes handed to the server.
"""
import json
import logging
import os
import re
import unicodedata
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from access.audit import download_audit, record_refusal
from core.uploads import CHUNK_SIZE
from portal.exceptions import DomainError, error_body

from . import grading, selectors, tasks
from .models import Dataset, Resource

logger = logging.getLogger(__name__)

# Revalidate every time (cheap with the ETag) so a changed grade takes effect at
# once, and keep conditional data out of shared caches.
CACHE_CONTROL = "private, no-cache"
# Stored as is in zips: already compressed, or unknown binaries (usually dense);
# deflating them costs ~40 ms of CPU per MiB for nothing.
STORED_FORMATS = {"ZIP", "XLSX", "DOCX", "GZIP", "PARQUET", "PNG", "JPEG", "GIF", "PDF", "BIN"}
# Level 1 deflates CSV about 3x faster than the default 6 (to ~31% of its size
# instead of ~21%): the better trade when every download compresses anew.
ZIP_COMPRESSLEVEL = 1
UNSATISFIABLE = "unsatisfiable"

_BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE)
# Not allowed in the ASCII fallback name: non-printable, quote, backslash, and
# ';' / '%' that lenient parsers mistake for parameter separators or escapes.
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\;%]')
# Not allowed in zip member names: what Windows refuses, and path separators.
_MEMBER_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class ApplicationRequired(DomainError):
    """Conditional data: the dataset is listed, but its files are released on application only."""

    status_code = 403
    code = grading.Refusal.APPLICATION_REQUIRED


class KeyInactive(ApplicationRequired):
    code = grading.Refusal.KEY_INACTIVE


class ScopeRequired(ApplicationRequired):
    code = grading.Refusal.SCOPE_REQUIRED


class GrantRequired(ApplicationRequired):
    code = grading.Refusal.GRANT_REQUIRED


def _refusal_error(refusal):
    if refusal == grading.Refusal.SCOPE_REQUIRED:
        return ScopeRequired(_("该 API 密钥缺少权限范围 %(scope)s。") % {"scope": grading.DATA_SCOPE},
                             field="scope")
    if refusal == grading.Refusal.GRANT_REQUIRED:
        return GrantRequired(_("该 API 密钥所属企业没有此数据集的有效使用授权，请先提交数据使用申请。"),
                             field="grant")
    if refusal == grading.Refusal.KEY_INACTIVE:
        return KeyInactive(_("该 API 密钥已失效。"), field="key")
    return ApplicationRequired(
        _("该数据集为有条件开放数据，文件仅通过获批企业的 API 密钥提供；请向数据提供部门提交数据使用申请。")
    )


def ensure_can_download(request, dataset):
    """Refuse with a 403 naming what is missing (an application, a key's scope, a grant)."""
    # Only conditional datasets get here: restricted ones and drafts were 404 in the selectors.
    refusal = grading.download_refusal(request.user, dataset, getattr(request, "auth", None))
    if refusal is not None:
        raise _refusal_error(refusal)


# --- headers ------------------------------------------------------------------

def content_disposition(filename):
    """`attachment` with an ASCII fallback name and the real name per RFC 6266 / RFC 8187."""
    stem, extension = os.path.splitext(filename)

    def ascii_only(text):
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return _FALLBACK_UNSAFE.sub("_", folded).strip(" ._")

    extension = ascii_only(extension)
    fallback = (ascii_only(stem) or "download") + (f".{extension}" if extension else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def version_headers(version):
    return {
        "Content-Type": version.media_type or "application/octet-stream",
        "Content-Disposition": content_disposition(version.filename),
        "ETag": f'"{version.sha256}"',
        "Last-Modified": http_date(int(version.created.timestamp())),
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": CACHE_CONTROL,
    }


# --- ranges -------------------------------------------------------------------

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


# --- counting -----------------------------------------------------------------

class CountedDownload:
    """Schedules the download count when the server closes the response (see the module docstring).

    With an `audit` (access.audit.DownloadAudit: conditional data), it also
    writes the access-log entry then, with the bytes handed to the server.
    """

    def __init__(self, *args, counted_resource_ids=(), audit=None, **kwargs):
        self.counted_resource_ids = tuple(counted_resource_ids)
        self.audit = audit
        super().__init__(*args, **kwargs)

    def bytes_sent(self):
        return 0

    def close(self):
        resource_ids, self.counted_resource_ids = self.counted_resource_ids, ()
        for resource_id in resource_ids:
            try:
                tasks.count_download.delay(resource_id)
            except Exception:  # a lost count must never break a download
                logger.exception("Could not schedule the download count of resource %s", resource_id)
        audit, self.audit = self.audit, None
        if audit is not None:
            try:
                audit.record(self.bytes_sent(), self.status_code)
            except Exception:  # the bytes are gone already; make the loss loud instead
                logger.exception("Could not write the audit entry of %s", audit.path)
        super().close()


class CountedFileResponse(CountedDownload, FileResponse):
    block_size = CHUNK_SIZE

    def __init__(self, source, *args, **kwargs):
        self.source = source  # a FileSlice, which counts what is read from it
        super().__init__(source, *args, **kwargs)

    def bytes_sent(self):
        return self.source.bytes_read


class ByteCount:
    """An iterator over byte chunks that counts what passes through it."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self.total = 0

    def __iter__(self):
        return self

    def __next__(self):
        chunk = next(self._chunks)
        self.total += len(chunk)
        return chunk


class CountedStreamingResponse(CountedDownload, StreamingHttpResponse):
    def __init__(self, chunks, *args, **kwargs):
        self.counter = ByteCount(chunks)
        super().__init__(self.counter, *args, **kwargs)

    def bytes_sent(self):
        return self.counter.total


class CountedResponse(CountedDownload, HttpResponse):
    """An X-Accel-Redirect hand-off: nginx sends the `size` bytes of the file itself."""

    def __init__(self, *args, size=0, **kwargs):
        self.size = size
        super().__init__(*args, **kwargs)

    def bytes_sent(self):
        return self.size


class CountedRedirect(CountedDownload, HttpResponseRedirect):
    pass


def _set_headers(response, headers):
    for name, value in headers.items():
        response[name] = value


def _counted(request, counts):
    return counts if request.method == "GET" else ()


# --- one version ----------------------------------------------------------------

def _range_not_satisfiable(size):
    response = JsonResponse(
        error_body(416, "range_not_satisfiable",
                   _("请求的字节范围超出文件大小（%(size)d 字节）。") % {"size": size}),
        status=416, json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Range"] = f"bytes */{size}"
    return response


def serve_version(request, resource, version, audit=None):
    """The response for one stored version: 200/206/304/412/416, HEAD, or an X-Accel hand-off."""
    headers = version_headers(version)
    size = version.size
    last_modified = int(version.created.timestamp())
    conditional = get_conditional_response(request, etag=headers["ETag"], last_modified=last_modified)
    if conditional is not None:
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            conditional[name] = headers[name]
        return conditional
    byte_range = requested_range(request, headers["ETag"], last_modified, size)
    if byte_range == UNSATISFIABLE:
        return _range_not_satisfiable(size)
    counts = _counted(request, [resource.pk] if byte_range is None or byte_range[0] == 0 else [])

    if request.method == "HEAD":
        response = HttpResponse(headers=headers)
        response["Content-Length"] = size
        return response
    prefix = settings.DOWNLOAD_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        # nginx sends the bytes, and answers the Range itself.
        response = CountedResponse(headers=headers, counted_resource_ids=counts, audit=audit, size=size)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(version.file.name)}"
        return response

    start, end = byte_range or (0, size - 1)
    source = FileSlice(default_storage.open(version.file.name, "rb"), start, end - start + 1)
    response = CountedFileResponse(source, status=206 if byte_range else 200, counted_resource_ids=counts,
                                   audit=audit)
    _set_headers(response, headers)
    response["Content-Length"] = end - start + 1
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def redirect_to_link(request, resource, audit=None):
    response = CountedRedirect(resource.url, counted_resource_ids=_counted(request, [resource.pk]), audit=audit)
    response["Cache-Control"] = CACHE_CONTROL
    return response


# --- whole dataset as a zip -----------------------------------------------------

class ZipSink:
    """A write-only, unseekable target for ZipFile that keeps what was written until drained.

    ZipFile sees no seek() and so writes data descriptors after each member
    instead of going back to patch headers, which is what lets it stream.
    """

    def __init__(self):
        self._parts = []
        self._position = 0

    def write(self, data):
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self):
        return self._position

    def flush(self):
        pass

    def drain(self):
        if self._parts:
            data = b"".join(self._parts)
            self._parts.clear()
            yield data


def zip_stream(members):
    """Yield a zip of [(ZipInfo, bytes or a callable opening a binary file)] chunk by chunk."""
    sink = ZipSink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
        for info, source in members:
            if isinstance(source, bytes):
                archive.writestr(info, source)
            else:
                with source() as file, archive.open(info, mode="w") as target:
                    for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
                        target.write(chunk)
                        yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()


def _member_name(filename, fallback):
    name = _MEMBER_UNSAFE.sub("_", unicodedata.normalize("NFC", filename)).strip(" .")
    return name[:200] or fallback


def _unique(name, taken):
    """`name`, or `name (2)`, `name (3)`...: unique regardless of case, as on Windows and macOS."""
    stem, extension = os.path.splitext(name)
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){extension}"
    taken.add(candidate.casefold())
    return candidate


def _zip_time(moment):
    return timezone.localtime(moment).timetuple()[:6]


def _zip_info(name, moment, compress_type=zipfile.ZIP_DEFLATED, size=0):
    info = zipfile.ZipInfo(name, date_time=_zip_time(moment))
    info.compress_type = compress_type
    info._compresslevel = ZIP_COMPRESSLEVEL  # ZipInfo.compress_level from Python 3.13 on
    info.external_attr = 0o644 << 16
    info.file_size = size  # known up front so ZipFile turns on ZIP64 for large files
    return info


def _iso(value):
    return value.isoformat() if value else None


def dataset_metadata(dataset, files, links):
    licence = dataset.licence
    return {
        "identifier": dataset.identifier,
        "title": dataset.title,
        "description": dataset.description,
        "organization": {"slug": dataset.organization.slug, "name": dataset.organization.name_zh,
                         "name_en": dataset.organization.name_en},
        "licence": licence and {"code": licence.code, "title": licence.title_zh, "url": licence.url},
        "open_grade": dataset.open_grade,
        "update_frequency": dataset.update_frequency,
        "themes": sorted(theme.code for theme in dataset.themes.all()),
        "keywords": dataset.keywords,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial_region": dataset.spatial_region,
        "spatial_bbox": dataset.spatial_bbox,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "source_url": dataset.source_url,
        "published_at": _iso(dataset.published_at),
        "modified": _iso(dataset.modified),
        "files": [
            {"path": path, "resource_id": resource.pk, "name": resource.name, "version": version.number,
             "filename": version.filename, "format": version.format, "media_type": version.media_type,
             "size": version.size, "sha256": version.sha256, "created": _iso(version.created)}
            for path, resource, version in files
        ],
        "links": [
            {"resource_id": resource.pk, "name": resource.name, "url": resource.url, "format": resource.format}
            for resource in links
        ],
    }


def dataset_readme(dataset, files, links):
    lines = [
        dataset.title,
        f"{_('标识符')}: {dataset.identifier}",
        f"{_('组织')}: {dataset.organization.name}",
        f"{_('许可协议')}: {dataset.licence.title if dataset.licence else '-'}",
        f"{_('开放等级')}: {dataset.get_open_grade_display()}",
        "",
        dataset.description,
        "",
        _("文件及其 SHA-256 校验值："),
        *(f"{version.sha256}  {path}" for path, _resource, version in files),
    ]
    if links:
        lines += ["", _("外部链接（未打包，请自行访问）："), *(f"{r.name}: {r.url}" for r in links)]
    lines += ["", _("完整元数据见 metadata.json。"), ""]
    return "\n".join(lines)


class DatasetArchive:
    """The zip of a dataset: the current version of each file resource plus its metadata."""

    def __init__(self, dataset):
        self.dataset = dataset
        resources = dataset.resources.select_related("current_version").order_by("position", "id")
        taken = {"readme.txt", "metadata.json"}
        self.files, self.links = [], []
        for resource in resources:
            if resource.kind == Resource.Kind.URL:
                self.links.append(resource)
            elif resource.current_version is not None:
                version = resource.current_version
                name = _unique(_member_name(version.filename, f"resource-{resource.pk}"), taken)
                self.files.append((f"data/{name}", resource, version))

    @property
    def filename(self):
        return _member_name(self.dataset.identifier, "dataset") + ".zip"

    @property
    def resource_ids(self):
        return [resource.pk for _path, resource, _version in self.files]

    def members(self):
        dataset = self.dataset
        metadata = json.dumps(dataset_metadata(dataset, self.files, self.links), ensure_ascii=False, indent=2)
        yield _zip_info("README.txt", dataset.modified), dataset_readme(dataset, self.files, self.links).encode()
        yield _zip_info("metadata.json", dataset.modified), metadata.encode()
        for path, _resource, version in self.files:
            compress = zipfile.ZIP_STORED if version.format in STORED_FORMATS else zipfile.ZIP_DEFLATED
            info = _zip_info(path, version.created, compress, version.size)
            yield info, lambda name=version.file.name: default_storage.open(name, "rb")


def serve_dataset_zip(request, dataset, audit=None):
    archive = DatasetArchive(dataset)
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": content_disposition(archive.filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "none",  # built on the fly: no stable bytes to range over
    }
    if request.method == "HEAD":
        return HttpResponse(headers=headers)
    response = CountedStreamingResponse(
        zip_stream(archive.members()), counted_resource_ids=archive.resource_ids, audit=audit
    )
    _set_headers(response, headers)
    return response


# --- views ----------------------------------------------------------------------

class ErrorsAsJSON(BaseContentNegotiation):
    """A file answers whatever Accept says; only errors are rendered, always as JSON."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


REFUSALS = (401, 403)


def _named_data(kwargs):
    """(dataset, resource) the URL names, read without the grade rules: for the audit log only."""
    if "resource_id" in kwargs:
        resource = Resource.objects.select_related("dataset__organization").filter(pk=kwargs["resource_id"]).first()
        return (resource.dataset, resource) if resource else (None, None)
    if "identifier" in kwargs:
        return Dataset.objects.select_related("organization").filter(identifier=kwargs["identifier"]).first(), None
    return None, None


class DownloadView(APIView):
    """GET/HEAD with session or token auth; errors in the portal's one JSON shape.

    A 401 or 403 on conditional data (files, datastore rows, aggregates, exports) is audited.
    """

    http_method_names = ["get", "head"]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJSON

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code in REFUSALS:
            dataset, resource = _named_data(self.kwargs)
            if dataset is not None:
                code = response.data.get("error", {}).get("code", "") if isinstance(response.data, dict) else ""
                record_refusal(self.request, dataset, resource, response.status_code, code,
                               api_key=getattr(exc, "key", None))
        return response


# A file is sent with its own media type, read from its bytes at upload (core.uploads.detect_format).
_FILE_RESPONSES = {
    (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, with its own Content-Type."),
    (206, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="A byte range of the file."),
    304: OpenApiResponse(description="Not modified (If-None-Match / If-Modified-Since)."),
    403: OpenApiResponse(description="Conditional data: access is by application; the error code names what is "
                                     "missing (application_required, scope_required, grant_required, key_inactive)."),
    404: OpenApiResponse(description="No such resource, version or dataset for this user."),
    416: OpenApiResponse(description="Range not satisfiable."),
}


class ResourceDownloadView(DownloadView):
    @extend_schema(summary="Download the current file of a resource (or follow its external link)",
                   responses={**_FILE_RESPONSES, 302: OpenApiResponse(description="External link.")})
    def get(self, request, resource_id):
        resource = selectors.resource_for(request.user, resource_id)
        ensure_can_download(request, resource.dataset)
        audit = download_audit(request, resource.dataset, resource)
        if resource.kind == Resource.Kind.URL:
            return redirect_to_link(request, resource, audit)
        if resource.current_version is None:
            raise Http404("No file")
        return serve_version(request, resource, resource.current_version, audit)


class ResourceVersionDownloadView(DownloadView):
    @extend_schema(summary="Download one version of a file resource", responses=_FILE_RESPONSES)
    def get(self, request, resource_id, number):
        resource = selectors.resource_for(request.user, resource_id)
        ensure_can_download(request, resource.dataset)
        version = resource.versions.filter(number=number).first()  # link resources have none
        if version is None:
            raise Http404("No such version")
        return serve_version(request, resource, version, download_audit(request, resource.dataset, resource))


class DatasetZipView(DownloadView):
    @extend_schema(summary="Download a whole dataset as one zip (files, README.txt, metadata.json)",
                   responses={(200, "application/zip"): OpenApiTypes.BINARY,
                              403: _FILE_RESPONSES[403], 404: _FILE_RESPONSES[404]})
    def get(self, request, identifier):
        dataset = selectors.dataset_for(request.user, identifier)
        ensure_can_download(request, dataset)
        return serve_dataset_zip(request, dataset, download_audit(request, dataset))
