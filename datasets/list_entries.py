"""What a catalog list shows of a dataset, as plain values: `ListEntry`.

The API's dataset list reads its page as rows (datasets.selectors.list_entries: one statement whatever
the page size, no model instances) and search reads the same shape from its index (search.summaries);
DatasetListSerializer writes either one out. An entry has the attributes of a Dataset that the list
shape reads, and its organization, themes and licence those of theirs (`Ref`).
"""
import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from core.localization import localized


class Ref(SimpleNamespace):
    """An organization, theme or licence in an entry: its stored fields, and its name or title
    in the active language by the models' own rule."""

    @property
    def name(self):
        return localized(self, "name")

    @property
    def title(self):
        return localized(self, "title")


@dataclass
class ListEntry:
    identifier: str
    title: str
    title_en: str
    description: str
    description_en: str
    organization: Ref
    themes: list
    keywords: list
    keywords_en: list
    licence: Ref | None
    open_grade: str
    state: str
    update_frequency: str
    formats: list
    modified: datetime.datetime
    published_at: datetime.datetime | None
    download_count: int
    metadata_score: int | None  # quality.metadata_score's 0-100, None until computed
