"""Reading a source over HTTP: the one door by which harvesting reaches another server.

`Fetcher.open(url)` returns a `Fetched` stream (gunzipped when the body is gzip). Every refusal is a
FetchError whose message is the reason the job page shows.
"""
import gzip
import io
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _


class FetchError(Exception):
    """The source cannot be read (no answer, an error status, not what was expected)."""


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    stream: io.BufferedIOBase

    def close(self):
        self.stream.close()


def _gunzipped(stream):
    """The stream itself, or its decompression when it starts with gzip's magic bytes."""
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    return gzip.GzipFile(fileobj=buffered) if buffered.peek(2)[:2] == b"\x1f\x8b" else buffered


class Fetcher:
    def __init__(self):
        self.pool = urllib3.PoolManager(timeout=urllib3.Timeout(total=settings.HARVEST_TIMEOUT_SECONDS),
                                        retries=False)

    def open(self, url):
        try:
            response = self.pool.request("GET", url, preload_content=False, redirect=True,
                                         headers={"Accept": "application/json, */*;q=0.5"})
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_("来源无法访问：%(error)s") % {"error": error}) from None
        if response.status >= 400:
            response.release_conn()
            raise FetchError(_("来源返回 HTTP %(status)s。") % {"status": response.status})
        response.auto_close = False  # io readers wrap it: the end of the body is theirs to see, not a closed file
        return Fetched(url=response.geturl() or url, content_type=response.headers.get("Content-Type", ""),
                       stream=_gunzipped(response))


class LocalFileFetcher:
    """A catalog file on this machine (manage.py import_catalog), read the same way."""

    def open(self, path):
        try:
            return Fetched(url=str(path), content_type="", stream=_gunzipped(open(path, "rb")))
        except OSError as error:
            raise FetchError(_("无法读取 %(path)s：%(error)s") % {"path": path, "error": error}) from None
