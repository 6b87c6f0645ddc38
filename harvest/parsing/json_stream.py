"""JSON read as it streams in (ijson's C parser), so a 100 MB catalog is never held whole.

ijson's C parser refuses a lone UTF-16 surrogate escape (`\\udc92`, as real catalogs write a
Windows-1252 apostrophe), so the bytes pass through `RepairedEscapes` first: each lone surrogate
escape becomes the escape of what cleaning.repaired_surrogate reads it as; pairs are left alone.
"""
import re

import ijson

from .cleaning import repaired_surrogate

CHUNK = 64 * 1024
# Bytes a \\uXXXX escape is made of: a cut after any other byte splits no escape (nor a pair).
ESCAPE_BYTES = frozenset(b"\\uU0123456789abcdefABCDEF")
LONE_SURROGATE = re.compile(
    rb"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\)((?:\\\\)*)(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


ANY_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # the cheap test: most chunks hold none


class NotJson(ValueError):
    """The document is not JSON (the parser's reason is the message)."""


def _repaired(match):
    backslashes = match.group(1) if match.group(2) else match.group(3)
    code = int(match.group(2) or match.group(4), 16)
    return backslashes + "".join(f"\\u{ord(char):04x}" for char in repaired_surrogate(code)).encode()


def _repair(chunk):
    return LONE_SURROGATE.sub(_repaired, chunk) if ANY_SURROGATE.search(chunk) else chunk


def _safe_cut(buffer):
    """Where `buffer` may be cut without splitting an escape (0: nowhere in its last CHUNK bytes)."""
    for position in range(len(buffer) - 1, max(-1, len(buffer) - CHUNK - 1), -1):
        if buffer[position] not in ESCAPE_BYTES:
            return position + 1
    return 0 if len(buffer) <= CHUNK else len(buffer)  # a run that long is no text: passed as it is


class RepairedEscapes:
    """A byte stream with its lone surrogate escapes repaired, for ijson to read."""

    def __init__(self, stream):
        self.stream, self.carry = stream, b""

    def read(self, size=-1):
        if size == 0:  # ijson asks read(0) whether the stream is bytes or text
            return b""
        while True:
            data = self.stream.read(CHUNK)
            if not data:
                rest, self.carry = self.carry, b""
                return _repair(rest)
            buffer = self.carry + data
            cut = _safe_cut(buffer)
            self.carry = buffer[cut:]
            if cut:
                return _repair(buffer[:cut])


def items(stream, prefix):
    """The JSON values at `prefix` (ijson's syntax, e.g. "dataset.item"); NotJson when it is not JSON."""
    try:
        yield from ijson.items(RepairedEscapes(stream), prefix, use_float=True)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise NotJson(str(error)) from None
