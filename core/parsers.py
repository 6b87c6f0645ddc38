"""A multipart parser that judges upload names as they were sent.

Django's parser (and UploadedFile itself) silently drops path components and
control characters from file names. The upload rules refuse such names
instead (core.uploads.safe_filename), so the publisher learns the name is
wrong; this parser applies that rule to the raw name, before Django rewrites it.
"""
import html

from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, get_encoding
from rest_framework.parsers import MultiPartParser as DRFMultiPartParser

from core import uploads


class _CheckedNameParser(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name):
        # Entities are how some browsers quote names; undoing them is decoding, not cleaning.
        file_name = html.unescape(file_name)
        # Raises a ValidationError naming `file` (-> 400) before any byte is stored.
        uploads.safe_filename(file_name)
        return file_name


class UploadNameMultiPartParser(DRFMultiPartParser):
    """DRF's multipart parser, refusing bad file names instead of rewriting them."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        encoding = get_encoding(parser_context)
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = _CheckedNameParser(meta, stream, request.upload_handlers, encoding)
            data, uploads = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from exc
        return DataAndFiles(data, uploads)
