"""The door sweep's parts (no tests here): every URL pattern of the resolver, and what a response says.

Patterns are read from django.urls.get_resolver(), so a new door is swept without
editing the sweep; a pattern whose parameters no rule fills makes the sweep fail.
"""
import gzip
import io
import itertools
import re
import zipfile

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

# Patterns never swept, each with why. Everything else is swept.
EXCLUDED = {
    "admin": "the Django admin needs platform staff; none of the sweep's viewers is staff",
    "logout": "GET shows a confirmation only, but the sweep must not end its viewers' sessions",
    "account_logout": "the same view as logout",
    "set_language": "POST only (a GET redirects back without a page); it embeds nothing",
}


class Door:
    """One URL pattern: its name, its full route as text pieces, its parameter names, its language prefix."""

    def __init__(self, name, pieces, localized):
        self.name = name
        self.pieces = pieces  # [(pattern object, ...)] from the root to the view
        self.localized = localized
        self.params = [param for piece in pieces for param in _params(piece)]

    def url(self, values, language=""):
        """The path with `values` (param -> text) in place, under /en/ when language is 'en'."""
        text = "/"
        for piece in self.pieces:
            if isinstance(piece, LocalePrefixPattern):
                text += "en/" if language == "en" else ""
            else:
                text += _fill(piece, values)
        return text

    def __repr__(self):
        return f"<door {self.name}>"


def _params(piece):
    if isinstance(piece, LocalePrefixPattern):
        return []
    if isinstance(piece, RoutePattern):
        return list(piece.converters)
    return list(piece.regex.groupindex)


def _fill(piece, values):
    if isinstance(piece, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), str(piece._route))
    regex = piece._regex.lstrip("^").rstrip("$").replace("\\", "")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(values[match.group(1)]), regex)


def doors():
    """Every URL pattern (name, route pieces), the excluded ones apart: (doors, excluded names found)."""
    found, excluded = [], set()

    def walk(patterns, pieces, localized, top):
        for pattern in patterns:
            here = [*pieces, pattern.pattern]
            key = pattern.namespace if isinstance(pattern, URLResolver) and pattern.namespace else None
            if top and key in EXCLUDED:
                excluded.add(key)
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, here, localized or isinstance(pattern.pattern, LocalePrefixPattern), False)
            elif isinstance(pattern, URLPattern):
                if pattern.name in EXCLUDED:
                    excluded.add(pattern.name)
                    continue
                assert pattern.name, f"an unnamed URL pattern {here}: name it so the sweep can report it"
                found.append(Door(pattern.name, here, localized))

    walk(get_resolver().url_patterns, [], False, True)
    return found, excluded


def fillings(door, rules):
    """Every parameter combination of `door`: [{param: (value, kind-of-object tag)}].

    `rules` is [(name regex, param, callable door -> [(value, tag)])]; the first rule
    matching a parameter fills it. An unfilled parameter is an AssertionError naming the door.
    """
    choices = []
    for param in door.params:
        for name_pattern, rule_param, values in rules:
            if rule_param == param and re.fullmatch(name_pattern, door.name):
                choices.append([(param, value) for value in values()])
                break
        else:
            raise AssertionError(f"URL pattern {door.name!r} has a parameter {param!r} no rule fills: "
                                 f"map it in the door sweep so the new door is swept")
    return [dict(combination) for combination in itertools.product(*choices)]


# --- what a response says -------------------------------------------------------------

def body_bytes(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # the test client closes it once read
    return response.content


def _unpacked(data, depth=0):
    """The readable texts inside a body: zip members (xlsx, dataset zips), parquet columns, gzip."""
    yield data
    if depth > 2:
        return
    if data[:2] == b"PK":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return
        for info in archive.infolist():
            yield info.filename.encode()
            yield from _unpacked(archive.read(info), depth + 1)
    elif data[:4] == b"PAR1":
        import pyarrow.parquet

        table = pyarrow.parquet.read_table(io.BytesIO(data))
        yield (str(table.schema) + repr(table.to_pylist())).encode()
    elif data[:2] == b"\x1f\x8b":
        yield from _unpacked(gzip.decompress(data), depth + 1)


def readable(data):
    """The body as one lower-case text, archives and columnar files decoded."""
    return "\n".join(part.decode("utf-8", "ignore") for part in _unpacked(data)).lower()


def header_text(response):
    return "\n".join(f"{name}: {value}" for name, value in response.items()).lower()


# Per-response noise: CSP nonces, CSRF tokens, the request's own values echoed back.
# and the health check's timings.
_NOISE = re.compile(r'nonce="[^"]*"|nonce-[\w+/=-]+|name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;]*'
                    r'|"ms": [\d.]+')
# Headers that differ between two identical answers.
_VARIABLE_HEADERS = ("date", "expires", "content-length", "set-cookie", "content-security-policy", "x-request-id", "ratelimit-remaining",
                     "ratelimit-reset", "ratelimit", "ratelimit-policy")


def normalized(status, text, headers, echoes):
    """A comparable shape of an answer: status, body and stable headers with echoed values replaced."""
    for echo in sorted(echoes, key=len, reverse=True):
        text, headers = unechoed(text, echo, "<echo>"), unechoed(headers, echo, "<echo>")
    stable = "\n".join(line for line in headers.splitlines() if line.split(":")[0] not in _VARIABLE_HEADERS)
    return status, _NOISE.sub("", text), stable


def unechoed(text, echo, placeholder=""):
    """`text` without `echo`; a number only where it stands alone (a pk 4 is not the 4 of 404 or #0b4a8b)."""
    if echo.isdigit():
        return re.sub(rf"(?<![\w#.]){echo}(?!\w)", placeholder, text)
    return text.replace(echo, placeholder)


def first_difference(left, right, width=120):
    """Where two texts first differ, shown as a short excerpt of each."""
    index = next((i for i, (a, b) in enumerate(zip(left, right)) if a != b), min(len(left), len(right)))
    start = max(0, index - 40)
    return f"...{left[start:start + width]!r} vs ...{right[start:start + width]!r}"
