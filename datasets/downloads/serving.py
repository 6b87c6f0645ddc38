"""One stored version of a resource, or its external link, as the response to a download."""
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from core.counted_responses import CountedFileResponse, CountedRedirect, CountedResponse
from core.http_files import (
    DOWNLOAD_CACHE_CONTROL,
    PRESIGNED_CACHE_CONTROL,
    UNSATISFIABLE,
    FileSlice,
    accel_redirect_location,
    content_disposition,
    presigned_location,
    range_not_satisfiable,
    requested_range,
    set_headers,
)
from core.uploads import CHUNK_SIZE

from .. import tasks


def version_headers(version):
    return {
        "Content-Type": version.media_type or "application/octet-stream",
        "Content-Disposition": content_disposition(version.filename),
        "ETag": f'"{version.sha256}"',
        "Last-Modified": http_date(int(version.created.timestamp())),
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": DOWNLOAD_CACHE_CONTROL,
    }


def _counted(request, counts):
    return counts if request.method == "GET" else ()


def serve_version(request, resource, version, audit=None):
    """The response for one stored version: 200/206/304/412/416, HEAD, an X-Accel hand-off or a presigned URL.

    The caller has made every download check: whoever reaches here may have the file.
    """
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
        return range_not_satisfiable(size)
    counts = _counted(request, [resource.pk] if byte_range is None or byte_range[0] == 0 else [])

    if request.method == "HEAD":
        response = HttpResponse(headers=headers)
        response["Content-Length"] = size
        return response
    location = accel_redirect_location(settings.DOWNLOAD_X_ACCEL_REDIRECT_PREFIX, default_storage,
                                       version.file.name)
    if location:
        # nginx sends the bytes, and answers the Range itself (and says so: Accept-Ranges is its own).
        response = CountedResponse(headers=headers, counted_ids=counts, count_download=tasks.count_download.delay,
                                   audit=audit, size=size)
        del response["Accept-Ranges"]
        response["X-Accel-Redirect"] = location
        return response
    location = presigned_location(settings.DOWNLOAD_PRESIGNED_URL_SECONDS, default_storage, version.file.name,
                                  headers)
    if location:
        # The object store sends the bytes, and answers the Range the client sends it again.
        response = CountedRedirect(location, counted_ids=counts, count_download=tasks.count_download.delay,
                                   audit=audit, size=size)
        response["Cache-Control"] = PRESIGNED_CACHE_CONTROL
        return response

    start, end = byte_range or (0, size - 1)
    source = FileSlice(default_storage.open(version.file.name, "rb"), start, end - start + 1)
    response = CountedFileResponse(source, status=206 if byte_range else 200, block_size=CHUNK_SIZE,
                                   counted_ids=counts, count_download=tasks.count_download.delay, audit=audit)
    set_headers(response, headers)
    response["Content-Length"] = end - start + 1
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def redirect_to_link(request, resource, audit=None):
    response = CountedRedirect(resource.url, counted_ids=_counted(request, [resource.pk]),
                               count_download=tasks.count_download.delay, audit=audit)
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    return response
