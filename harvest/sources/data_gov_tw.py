"""Taiwan's data.gov.tw JSON export (a list of records), streamed."""
from ..models import SourceKind
from ..parsing import data_gov_tw
from .base import StreamedJsonSource


class DataGovTwSource(StreamedJsonSource):
    kind = SourceKind.DATA_GOV_TW
    items_prefix = "item"
    id_key = "NODE"
    format_name = "data.gov.tw JSON"

    def parse(self, entry):
        record = data_gov_tw.parse(entry)
        # The record's page on data.gov.tw is the link back to it.
        record.original_url = record.original_url or record.data.get("source_url", "")
        return record
