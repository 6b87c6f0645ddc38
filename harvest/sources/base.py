"""The interface every source type offers the job runner."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class SourceError(Exception):
    """The source as a whole is unusable (not a catalog, the wrong format); the message is the reason."""


class SourceType:
    """One kind of remote catalog: it reads the source and yields parsing.records.Record, one per remote record.

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
