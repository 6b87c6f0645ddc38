"""Faster JSON answers with the same meaning as DRF's JSONRenderer.

Encoding a page of 100 catalog entries took DRF's renderer (the standard library's json with DRF's
encoder) about as long as the database took to read them (bench/catalog_bench.py); orjson writes the
same JSON in a fifth of the time. What DRF's settings make its answer -- compact, non-ASCII as UTF-8,
U+2028 and U+2029 escaped -- is kept; the values orjson would write otherwise or not at all (datetimes,
dates, times, durations, decimals, lazy texts, bytes) go through DRF's own encoder; an answer orjson
refuses (keys that are not strings, integers past 64 bits) and an indented one (the browsable API's) is
written by DRF's renderer itself.
"""
import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

# What DRF's renderer writes instead of the two line separators JavaScript source cannot hold.
ESCAPED_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONRenderer(JSONRenderer):
    """JSONRenderer's answer, written by orjson when DRF's settings are its defaults."""

    # DRF's defaults: compact separators, UTF-8 (not \\u escapes), NaN refused.
    applies = api_settings.COMPACT_JSON and api_settings.UNICODE_JSON and api_settings.STRICT_JSON

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or not self.applies or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            written = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for separator, escaped in ESCAPED_SEPARATORS:
            if separator in written:
                written = written.replace(separator, escaped)
        return written


# The settings' renderers, JSON written by FastJSONRenderer. Floats are written in their shortest form
# (1e16 for DRF's 1e+16: the same number); a NaN, which DRF's strict renderer refuses (a 500), orjson
# writes as null: for views whose answers hold none (the catalog's are validated before they are stored).
FAST_RENDERERS = [FastJSONRenderer if renderer is JSONRenderer else renderer
                  for renderer in api_settings.DEFAULT_RENDERER_CLASSES]
