"""DCAT-US 1.1 `data.json`, parsed as it streams in (ijson), so a 100 MB catalog is never held whole."""
import ijson
from django.utils.translation import gettext as _

from ..models import SourceKind
from ..parsing import dcat_us
from .base import SourceError, SourceType


class DataJsonSource(SourceType):
    kind = SourceKind.DATA_JSON

    def records(self, *, since=None):
        fetched = self.fetcher.open(self.source.url, expect="json")
        try:
            try:
                for entry in ijson.items(fetched.stream, "dataset.item", use_float=True):
                    yield dcat_us.parse(entry)
            except ijson.JSONError as error:
                raise SourceError(_("来源不是合法的 data.json：%(error)s") % {"error": error}) from None
        finally:
            fetched.close()
