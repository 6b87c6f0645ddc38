"""Reading another server over HTTP: the one door by which the portal reaches a URL someone typed in.

Harvesting reads source catalogs through it, the link check (quality.services.links) resource links;
each passes its own limits. `Fetcher.open(url, expect=...)` returns a `Fetched` stream (gunzipped when
the body is gzip); `Fetcher.answer(url)` the answer itself, whatever its status. Every refusal is a
FetchError whose message is the reason shown to people. The door is narrow on purpose (a URL typed in
by a publisher must not reach inside our network): http and https only; the host's resolved address
must be public unless `allow_private`, checked on every redirect hop, and the connection goes to the
very address checked (no second DNS answer); redirects are followed here, at most MAX_REDIRECTS; no
body passes `max_bytes`, gunzipped or not; no connection or read waits longer than `timeout` seconds.
"""
import gzip
import io
import ipaddress
import socket
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SCHEMES = {"http": 80, "https": 443}
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT = {
    "json": "application/json, */*;q=0.5",
    "rdf": "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, */*;q=0.5",
    None: "*/*",
}
SNIFF_BYTES = 512


class FetchError(Exception):
    """The source cannot be read (no answer, an error status, not what was expected)."""


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    stream: io.BufferedIOBase

    def close(self):
        self.stream.close()


class _Capped(io.RawIOBase):
    """A readable that fails as soon as more than `limit` bytes came through, and names read errors."""

    def __init__(self, source, limit, timeout, closes=()):
        self.source, self.limit, self.timeout, self.count, self.closes = source, limit, timeout, 0, closes

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            data = self.source.read(len(buffer))
        except (urllib3.exceptions.HTTPError, OSError, EOFError, zlib.error) as error:
            if isinstance(error, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
                raise FetchError(_("来源在 %(seconds)s 秒内没有继续发送数据。")
                                 % {"seconds": self.timeout}) from None
            raise FetchError(_("读取来源时出错：%(error)s") % {"error": error}) from None
        self.count += len(data)
        if self.count > self.limit:
            raise FetchError(too_large_message(self.limit))
        buffer[:len(data)] = data
        return len(data)

    def close(self):
        for stream in (self.source, *self.closes):
            stream.close()
        super().close()


def too_large_message(limit):
    return _("来源的数据超过了 %(limit)s 字节的上限。") % {"limit": limit}


def guarded(stream, limit, timeout):
    """The stream capped at `limit` bytes, then gunzipped (when it starts with gzip's magic bytes) and
    capped again: a gzip bomb fails at the cap, not when memory runs out."""
    buffered = io.BufferedReader(_Capped(stream, limit, timeout))
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Capped(gzip.GzipFile(fileobj=buffered), limit, timeout, closes=(buffered,)))
    return buffered


def _address_kind(address):
    """Why an address may not be reached from here, or "" for a public one."""
    address = getattr(address, "ipv4_mapped", None) or address
    for kind, label in (("is_loopback", _("回环")), ("is_link_local", _("链路本地")),
                        ("is_multicast", _("组播")), ("is_private", _("私有")), ("is_reserved", _("保留用途")),
                        ("is_unspecified", _("全零"))):
        if getattr(address, kind):
            return label
    return "" if address.is_global else _("非公网")


def resolve(url, *, allow_private=False):
    """(scheme, host, port, address to connect to) of a URL we may fetch; the reason as FetchError otherwise."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchError(_("只能访问 http 或 https 网址，不能访问 %(scheme)s 网址。")
                         % {"scheme": scheme or _("无协议")})
    try:
        host, port = parts.hostname, parts.port or SCHEMES[scheme]
    except ValueError:
        raise FetchError(_("来源网址的端口无效。")) from None
    if not host:
        raise FetchError(_("来源网址没有主机名。"))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchError(_("无法解析来源的主机名 %(host)s。") % {"host": host}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not allow_private:
        for address in addresses:
            kind = _address_kind(address)
            if kind:
                raise FetchError(_("主机 %(host)s 解析为%(kind)s地址 %(address)s，不允许访问。")
                                 % {"host": host, "kind": kind, "address": address})
    return scheme, host, port, str(addresses[0])


def check_url(url, *, allow_private=False):
    """The check a URL passes when it is saved (a harvest source's): ValidationError({"url": reason})."""
    try:
        resolve(url, allow_private=allow_private)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None


class Fetcher:
    """The door with its limits: seconds per connection or read, bytes per body, private addresses."""

    def __init__(self, *, timeout, max_bytes, allow_private=False):
        self.timeout, self.max_bytes, self.allow_private = timeout, max_bytes, allow_private

    def _pool(self, scheme, host, port, address):
        timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        if scheme == "https":
            return urllib3.HTTPSConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1,
                                               server_hostname=host, assert_hostname=host)
        return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)

    def _get(self, url, expect):
        scheme, host, port, address = resolve(url, allow_private=self.allow_private)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = f"[{host}]" if ":" in host else host
        if port != SCHEMES[scheme]:
            host_header += f":{port}"
        try:
            return self._pool(scheme, host, port, address).urlopen(
                "GET", target, headers={"Host": host_header, "Accept": ACCEPT[expect]}, redirect=False,
                preload_content=False, decode_content=False, assert_same_host=False)
        except urllib3.exceptions.NewConnectionError as error:  # before TimeoutError: urllib3 derives it from that
            raise FetchError(_("来源无法访问：%(error)s") % {"error": error.__cause__ or error}) from None
        except urllib3.exceptions.TimeoutError:
            raise FetchError(_("来源在 %(seconds)s 秒内没有应答。")
                             % {"seconds": self.timeout}) from None
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_("来源无法访问：%(error)s") % {"error": error}) from None

    def answer(self, url, *, expect=None):
        """(the URL after redirects, its urllib3 response, body unread), whatever the final status."""
        seen = [url]
        while True:
            response = self._get(url, expect)
            location = response.headers.get("Location")
            if response.status not in REDIRECTS or not location:
                return url, response
            response.release_conn()
            url = urljoin(url, location)
            if url in seen:
                raise FetchError(_("来源的重定向形成了循环（%(url)s 再次出现）。") % {"url": url})
            if len(seen) > MAX_REDIRECTS:
                raise FetchError(_("来源重定向超过 %(count)s 次。") % {"count": MAX_REDIRECTS})
            seen.append(url)

    def open(self, url, *, expect=None):
        """The body at `url`, following redirects; `expect` ("json", "rdf") refuses an HTML page."""
        url, response = self.answer(url, expect=expect)
        if not 200 <= response.status < 300:
            response.release_conn()
            raise FetchError(_("来源返回 HTTP %(status)s，而不是数据。") % {"status": response.status})
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.release_conn()
            raise FetchError(too_large_message(self.max_bytes))
        content_type = response.headers.get("Content-Type", "")
        fetched = Fetched(url=url, content_type=content_type,
                          stream=guarded(response, self.max_bytes, self.timeout))
        if expect and is_html(content_type, fetched.stream.peek(SNIFF_BYTES)):
            fetched.close()
            raise FetchError(_("来源返回的是 HTML 网页，而不是 %(expected)s 数据。")
                             % {"expected": {"json": "JSON", "rdf": "RDF"}[expect]})
        return fetched


def is_html(content_type, head):
    """Whether an answer is a web page, by its media type or its first bytes."""
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))

