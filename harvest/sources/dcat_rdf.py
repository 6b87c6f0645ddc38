"""A DCAT-AP catalog in RDF (Turtle, RDF/XML or JSON-LD), page after page.

The serialization is read from the Content-Type, else sniffed from the first bytes. A paged catalog
(hydra:PagedCollection / hydra:PartialCollectionView, as CKAN's DCAT harvester and udata read it)
names its next page with hydra:nextPage (or hydra:next): it is followed until there is none; a page
already read ends the walk instead of looping.
"""
from urllib.parse import urljoin

from django.utils.translation import gettext as _
from rdflib import Graph, Namespace

from ..models import SourceKind
from ..parsing import dcat_rdf
from .base import SourceError, SourceType

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
BY_MEDIA_TYPE = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "text/n3": "n3",
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "application/ld+json": "json-ld", "application/json": "json-ld",
}


def rdf_format(content_type, head):
    """rdflib's name of the serialization, by media type, else by the document's first bytes."""
    known = BY_MEDIA_TYPE.get(content_type.split(";")[0].strip().lower())
    if known:
        return known
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    return "json-ld" if head.startswith((b"{", b"[")) else "turtle"


class DcatRdfSource(SourceType):
    kind = SourceKind.DCAT_RDF

    def _graph(self, url):
        fetched = self.fetcher.open(url, expect="rdf")
        try:
            fmt = rdf_format(fetched.content_type, fetched.stream.peek(64))
            body = fetched.stream.read()
        finally:
            fetched.close()
        try:
            return Graph().parse(data=body, format=fmt, publicID=fetched.url), fetched.url
        except Exception as error:  # noqa: BLE001 - rdflib's parsers raise many kinds; each means "not this RDF"
            raise SourceError(_("来源不是可读的 RDF（%(format)s）：%(error)s")
                              % {"format": fmt, "error": str(error)[:300]}) from None

    @staticmethod
    def next_page(graph, url):
        for predicate in (HYDRA.nextPage, HYDRA.next):
            following = next(iter(graph.objects(None, predicate)), None)
            if following is not None:
                return urljoin(url, str(following))
        return None

    def records(self, *, since=None):
        url, seen = self.source.url, set()
        while url and url not in seen:
            seen.add(url)
            graph, url_read = self._graph(url)
            seen.add(url_read)
            for subject in dcat_rdf.datasets(graph):
                yield dcat_rdf.parse(graph, subject)
            url = self.next_page(graph, url_read)
