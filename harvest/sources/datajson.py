"""DCAT-US 1.1 `data.json`, streamed."""
from ..models import SourceKind
from ..parsing import dcat_us
from .base import StreamedJsonSource


class DataJsonSource(StreamedJsonSource):
    kind = SourceKind.DATA_JSON
    items_prefix = "dataset.item"
    id_key = "identifier"
    format_name = "data.json"

    def parse(self, entry):
        return dcat_us.parse(entry)
