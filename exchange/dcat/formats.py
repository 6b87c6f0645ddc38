"""The RDF serializations served, by URL extension and by media type (the Accept header)."""
from dataclasses import dataclass, field

from django.http import HttpResponse


@dataclass(frozen=True)
class RdfFormat:
    extension: str
    media_type: str
    rdflib_name: str
    options: dict = field(default_factory=dict)

    @property
    def content_type(self):
        return self.media_type if self.media_type.endswith("json") else f"{self.media_type}; charset=utf-8"

    def response(self, graph):
        return HttpResponse(graph.serialize(format=self.rdflib_name, **self.options), content_type=self.content_type)


# The first is the default: what `Accept: */*` or no Accept header gets.
FORMATS = {
    "ttl": RdfFormat("ttl", "text/turtle", "turtle"),
    "jsonld": RdfFormat("jsonld", "application/ld+json", "json-ld", {"auto_compact": True}),
    "rdf": RdfFormat("rdf", "application/rdf+xml", "pretty-xml"),
}
BY_MEDIA_TYPE = {fmt.media_type: fmt for fmt in FORMATS.values()}
MEDIA_TYPES = tuple(BY_MEDIA_TYPE)


def negotiated(request):
    """The format the request's Accept header prefers, or None when it accepts none of them."""
    preferred = request.get_preferred_type(MEDIA_TYPES)
    return BY_MEDIA_TYPE.get(preferred)
