"""The source types, by SourceKind: each a small class behind sources.base.SourceType."""
from .datajson import DataJsonSource

SOURCE_TYPES = {cls.kind: cls for cls in (DataJsonSource,)}


def source_type_for(source, fetcher):
    return SOURCE_TYPES[source.kind](source, fetcher)
