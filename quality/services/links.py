"""The link check: does a link resource's URL answer, and with bytes of the format it declares?

A link is typed in by a publisher, so it goes through core.fetching's door (http and https, no
private address unless LINK_CHECK_ALLOW_PRIVATE_ADDRESSES, at most 5 redirects, each connection
and read bounded by LINK_CHECK_TIMEOUT_SECONDS). It asks with GET, not HEAD: many servers refuse
HEAD, and a HEAD answer has no bytes to read the format from. Only the first SNIFF_BYTES are read
(reading stops at the time bound too, however slowly a server drips), then the connection is
dropped; the format is read from them as an upload's is (core.uploads.detect_format), or from the
media type when the bytes do not tell. The result is one LinkCheck per resource; the metadata
score of its dataset follows (quality.metadata_score: "links", "formats").
"""
import time
from datetime import timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fetching import Fetcher, FetchError, is_html
from core.uploads import MEDIA_TYPES, SNIFF_BYTES, detect_format
from datasets.models import Resource

from ..models import LinkCheck
from .scores import refresh_scores

FORMATS_BY_MEDIA_TYPE = {media_type: fmt for fmt, media_type in MEDIA_TYPES.items()}
# Detected formats that say little: the media type may name the format better (an XLSX link without .xlsx).
VAGUE_FORMATS = {"BIN", "ZIP", "TXT"}
CHECKED_SCHEMES = r"^https?://"


def _fetcher():
    return Fetcher(timeout=settings.LINK_CHECK_TIMEOUT_SECONDS, max_bytes=SNIFF_BYTES,
                   allow_private=settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES)


def sniff(head, content_type, url):
    """The format of an answer from its first bytes, its media type and its URL's file name."""
    if is_html(content_type, head):
        return "HTML"
    try:
        detected, _media_type = detect_format(head, PurePosixPath(urlsplit(url).path).name)
    except ValidationError:
        return ""
    named = FORMATS_BY_MEDIA_TYPE.get(content_type.split(";")[0].strip().lower())
    return named if detected in VAGUE_FORMATS and named else detected


def _read_head(response, deadline):
    """The first SNIFF_BYTES of the body (transfer encodings undone), or fewer when the time is up."""
    head = b""
    while len(head) < SNIFF_BYTES and time.monotonic() < deadline:
        chunk = response.read1(SNIFF_BYTES - len(head), decode_content=True)
        if not chunk:
            break
        head += chunk
    return head


def probe(url):
    """What checking `url` finds now: the LinkCheck fields but the resource and the time."""
    found = {"url": url, "is_broken": True, "status_code": None, "reason": "", "final_url": "", "detected_format": ""}
    try:
        final_url, response = _fetcher().answer(url)
    except FetchError as error:
        return {**found, "reason": str(error)}
    found.update(status_code=response.status, final_url=final_url[:2000])
    try:
        if not 200 <= response.status < 300:
            return {**found, "reason": _("链接返回 HTTP %(status)s。") % {"status": response.status}}
        head = _read_head(response, time.monotonic() + settings.LINK_CHECK_TIMEOUT_SECONDS)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return {**found, "reason": _("读取链接内容时出错：%(error)s") % {"error": error}}
    finally:
        response.close()
    if not head:
        return {**found, "reason": _("链接返回的内容为空。")}
    return {**found, "is_broken": False, "detected_format": sniff(head, response.headers.get("Content-Type", ""),
                                                                  final_url)}


def check_link(resource):
    """Check one link resource and store the result (its LinkCheck); None for a file or a non-http link."""
    if resource.kind != Resource.Kind.URL or urlsplit(resource.url).scheme.lower() not in ("http", "https"):
        return None
    found = probe(resource.url)
    found["reason"] = found["reason"][:500]
    check, _created = LinkCheck.objects.update_or_create(resource=resource, defaults={
        **found, "checked": timezone.now()})
    return check


def due_links(now=None):
    """Link resources never checked, checked before LINK_CHECK_INTERVAL, or whose URL changed since; oldest first."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.LINK_CHECK_INTERVAL)
    return (Resource.objects.filter(kind=Resource.Kind.URL, url__iregex=CHECKED_SCHEMES)
            .filter(Q(link_check__isnull=True) | Q(link_check__checked__lt=cutoff) | ~Q(link_check__url=F("url")))
            .order_by(F("link_check__checked").asc(nulls_first=True), "pk"))


def check_links(limit=None):
    """Check a bounded batch of the due links (LINK_CHECK_BATCH_SIZE), then refresh their datasets'
    scores; returns how many were checked."""
    batch = list(due_links()[:limit or settings.LINK_CHECK_BATCH_SIZE])
    for resource in batch:
        check_link(resource)
    refresh_scores({resource.dataset_id for resource in batch})
    return len(batch)
