"""DCAT-US 1.1 `data.json`, parsed as it streams in (parsing.json_stream): a 100 MB catalog is never held whole."""
from django.utils.translation import gettext as _

from ..models import SourceKind
from ..parsing import dcat_us, json_stream
from .base import SourceError, SourceType


class DataJsonSource(SourceType):
    kind = SourceKind.DATA_JSON

    def records(self, *, since=None):
        fetched = self.fetcher.open(self.source.url, expect="json")
        try:
            try:
                for entry in json_stream.items(fetched.stream, "dataset.item"):
                    yield dcat_us.parse(entry)
            except json_stream.NotJson as error:
                raise SourceError(_("来源不是合法的 data.json：%(error)s") % {"error": error}) from None
        finally:
            fetched.close()
