"""The interface every source type offers the job runner."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..parsing import json_stream
from ..parsing.records import unparsed


class SourceError(Exception):
    """The source as a whole is unusable (not a catalog, the wrong format); the message is the reason."""


class SourceType:
    """One kind of remote catalog: it reads the source and yields one parsing.records.Record (or Unparsed,
    parsed by the loader only when it changed) per remote record.

    `records(since=...)` streams; a record that cannot be parsed is yielded with `skip` set (it fails alone),
    while a source that cannot be read at all raises FetchError or SourceError before or while streaming.
    """

    kind = ""
    supports_incremental = False

    def __init__(self, source, fetcher):
        self.source, self.fetcher = source, fetcher

    @classmethod
    def clean_config(cls, config):
        """The type-specific settings, checked (ValidationError naming the setting); default: none, so any is refused."""
        if config:
            raise ValidationError({"config": _("这种来源没有类型设置：%(keys)s。") % {"keys": ", ".join(sorted(config))}})
        return {}

    def records(self, *, since=None):
        raise NotImplementedError


class StreamedJsonSource(SourceType):
    """A catalog that is one JSON document, its records at `items_prefix` (ijson's syntax), read as it
    streams in (parsing.json_stream): a 100 MB catalog is never held whole. Records come as
    parsing.records.Unparsed, so the loader parses only those whose entry changed."""

    items_prefix = ""
    id_key = ""  # where a record's remote id is: it and the entry's hash decide whether to parse it
    format_name = ""

    def parse(self, entry):
        raise NotImplementedError

    def records(self, *, since=None):
        fetched = self.fetcher.open(self.source.url, expect="json")
        try:
            try:
                for entry in json_stream.items(fetched.stream, self.items_prefix):
                    yield unparsed(entry, self.id_key, self.parse)
            except json_stream.NotJson as error:
                raise SourceError(_("来源不是合法的 %(format)s：%(error)s")
                                  % {"format": self.format_name, "error": error}) from None
        finally:
            fetched.close()
