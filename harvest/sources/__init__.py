"""The source types, by SourceKind: each a small class behind sources.base.SourceType."""
from .ckan import CkanSource
from .data_gov_tw import DataGovTwSource
from .datajson import DataJsonSource
from .dcat_rdf import DcatRdfSource

SOURCE_TYPES = {cls.kind: cls for cls in (CkanSource, DataJsonSource, DcatRdfSource, DataGovTwSource)}


def source_type_for(source, fetcher):
    return SOURCE_TYPES[source.kind](source, fetcher)
