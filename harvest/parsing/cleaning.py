"""Text repairs every catalog needs: lone surrogates, HTML, over-long strings, safe slugs."""
import hashlib
import re
from html.parser import HTMLParser

from django.utils.text import slugify

from datasets.services.metadata import IDENTIFIER_PATTERN

SURROGATE = re.compile("[\ud800-\udfff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
SKIPPED_TAGS = {"script", "style", "head", "title"}


def short_hash(value, length=10):
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _repair_surrogate(match):
    return repaired_surrogate(ord(match.group()))


def repaired_surrogate(code):
    """What a lone UTF-16 surrogate stands for: a character or nothing."""
    # \udc80-\udcff is how a single undecodable byte is escaped (PEP 383); such
    # bytes in these catalogs are Windows-1252 text (’ °), so read them as that.
    if 0xDC80 <= code <= 0xDCFF:
        try:
            return bytes([code - 0xDC00]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def _map_strings(value, repair):
    """(value with `repair` applied to every string in it, whether any changed), recursively."""
    if isinstance(value, str):
        repaired = repair(value)
        return repaired, repaired != value
    if isinstance(value, list):
        pairs = [_map_strings(item, repair) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        pairs = {key: _map_strings(item, repair) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(changed for _, changed in pairs.values())
    return value, False


def repair_tree(value):
    """(value with lone UTF-16 surrogates repaired, whether any were found), recursively."""
    return _map_strings(value, lambda text: SURROGATE.sub(_repair_surrogate, text))


def strip_controls(value):
    """(value without control characters but tab and line breaks, whether any were found), recursively:
    PostgreSQL stores no NUL, and no page shows the others."""
    return _map_strings(value, lambda text: CONTROL.sub("", text))


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS and tag != "br":
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # Line breaks in HTML source are only spacing; tags make the real ones.
            self.parts.append(re.sub(r"\s+", " ", data))


def looks_like_html(text):
    return bool(HTML_TAG.search(text))


def html_to_text(text):
    """Plain text of an HTML fragment: tags dropped, entities decoded, <br>/<p> as newlines."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    lines = [line.replace("\xa0", " ").strip() for line in "".join(parser.parts).split("\n")]
    lines = [re.sub(r" {2,}", " ", line) for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(value):
    """(text, whether HTML was removed) for a free-text field that may hold HTML."""
    text = "" if value is None else str(value).strip()
    if looks_like_html(text):
        return html_to_text(text), True
    return text.replace("\r\n", "\n"), False


def truncate(text, limit):
    """(text cut to `limit` characters with an ellipsis, whether it was cut)."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + "…", True


def catalog_identifier(raw):
    """Our identifier for a catalog's one: kept when valid, else a readable slug plus a hash.

    Deterministic, so importing the same catalog again finds the same datasets.
    """
    raw = str(raw).strip()
    if IDENTIFIER_PATTERN.match(raw):
        return raw
    slug = re.sub(r"[^A-Za-z0-9\u4e00-\u9fff._:\-/]+", "-", raw)
    slug = re.sub(r"-{2,}", "-", slug)
    slug = re.sub(r"^[^A-Za-z0-9\u4e00-\u9fff]+", "", slug)[:180].rstrip("-./:_")
    return f"{slug}-{short_hash(raw)}" if slug else f"id-{short_hash(raw)}"


def organization_slug(name):
    """An ASCII slug for an organization name; non-ASCII names get a hash so they stay distinct."""
    base = slugify(name)[:80].strip("-")
    if base and name.isascii():
        return base
    return f"{base or 'org'}-{short_hash(name, 8)}"
