"""What a search result shows, read from the index: `DatasetSummary`.

Every indexed document carries a summary (search.documents), and the engines
return it with each hit. `summaries_for_hits` turns a page of hits into
summaries with one small query instead of loading the datasets with their
organizations, themes, licences and resources: which of these datasets the
viewer may see now (the grade rules applied a second time, so an index lagging
behind a re-grading never shows what it should not) and their download counts,
which change without a re-index, and their metadata scores (current before the index is).

A summary is the catalog list's entry (datasets.list_entries) with its rank and
highlights: the result card templates render it as they render a dataset, and the
search API writes it out in the catalog's list shape (search.serializers).
"""
import datetime
import html
import re
from dataclasses import dataclass

from core.localization import CHINESE, localized_text
from datasets import selectors
from datasets.list_entries import ListEntry, Ref

from .documents import documents_for

_MARK = re.compile(r"(</?mark>)")


def _datetime(value):
    return datetime.datetime.fromisoformat(value) if value else None


@dataclass
class DatasetSummary(ListEntry):
    # Position in the viewer's whole result list from 1, and {field: escaped text with <mark>} from the
    # engine. Never the engine's score: its term statistics count documents the viewer may not see.
    # The download count and metadata score are read from the database with each page: always current.
    rank: int
    highlights: dict

    @classmethod
    def from_hit(cls, summary, hit, current, rank):
        """`current`: (download count, metadata score) as the database has them now."""
        download_count, metadata_score = current
        licence = summary["licence"]
        found = cls(
            identifier=summary["identifier"], title=summary["title"], title_en=summary.get("title_en", ""),
            description=summary["description"], description_en=summary.get("description_en", ""),
            organization=Ref(**summary["organization"]), themes=[Ref(**theme) for theme in summary["themes"]],
            keywords=summary["keywords"], keywords_en=summary.get("keywords_en", []),
            licence=Ref(**licence) if licence else None,
            open_grade=summary["open_grade"], state=summary["state"], update_frequency=summary["update_frequency"],
            formats=summary["formats"], modified=_datetime(summary["modified"]),
            published_at=_datetime(summary["published_at"]), download_count=download_count,
            metadata_score=metadata_score, rank=rank, highlights={},
        )
        # The engines highlight the Chinese title and description: a field shown in English has none.
        found.highlights = {name: safe_highlight(text) for name, text in hit.highlights.items()
                            if localized_text(found, name).language == CHINESE}
        return found


def safe_highlight(fragment):
    """Highlighted text with everything escaped except <mark> tags, whatever the engine returned.

    Backends already escape; unescaping then escaping each piece keeps their
    output intact and neutralizes anything that would not be.
    """
    pieces, open_marks = [], 0
    for piece in _MARK.split(fragment or ""):
        if piece == "<mark>" and not open_marks:
            open_marks = 1
            pieces.append(piece)
        elif piece == "</mark>" and open_marks:
            open_marks = 0
            pieces.append(piece)
        elif piece not in ("<mark>", "</mark>"):
            pieces.append(html.escape(html.unescape(piece)))
    if open_marks:
        pieces.append("</mark>")
    return "".join(pieces)


def summaries_for_hits(viewer, hits, offset=0):
    """Summaries of the hits the viewer may see, in hit order, ranked from `offset` + 1 (the hits of
    earlier pages): ranks count only what is shown, so a hit left out leaves no gap."""
    counts = {pk: (downloads, score) for pk, downloads, score in selectors.listed_datasets_for(viewer)
              .filter(pk__in=[hit.dataset_id for hit in hits]).values_list("pk", "download_count", "metadata_score")}
    # Entries indexed before documents had summaries (until the next rebuild): built from the database.
    missing = [hit.dataset_id for hit in hits if not hit.summary and hit.dataset_id in counts]
    built = {document["id"]: document["summary"] for document in documents_for(missing)} if missing else {}
    shown = [hit for hit in hits if hit.dataset_id in counts and (hit.summary or hit.dataset_id in built)]
    return [
        DatasetSummary.from_hit(hit.summary or built[hit.dataset_id], hit, counts[hit.dataset_id], offset + position)
        for position, hit in enumerate(shown, start=1)
    ]
