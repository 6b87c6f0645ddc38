"""Taiwan's data.gov.tw JSON export (a list of records), parsed as it streams in (parsing.json_stream)."""
from django.utils.translation import gettext as _

from ..models import SourceKind
from ..parsing import data_gov_tw, json_stream
from .base import SourceError, SourceType


class DataGovTwSource(SourceType):
    kind = SourceKind.DATA_GOV_TW

    def records(self, *, since=None):
        fetched = self.fetcher.open(self.source.url, expect="json")
        try:
            try:
                for entry in json_stream.items(fetched.stream, "item"):
                    record = data_gov_tw.parse(entry)
                    # The record's page on data.gov.tw is the link back to it.
                    record.original_url = record.original_url or record.data.get("source_url", "")
                    yield record
            except json_stream.NotJson as error:
                raise SourceError(_("来源不是合法的 data.gov.tw JSON：%(error)s") % {"error": error}) from None
        finally:
            fetched.close()
