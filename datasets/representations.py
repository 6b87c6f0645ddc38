"""Other representations of a dataset's page, chosen by the request's Accept header.

The catalog does not know the formats apps above it speak (exchange serves RDF), so
they register how to render a dataset in a media type (ExchangeConfig.ready) and the
page view asks here first. The HTML page stays the answer for browsers: a registered
type wins only when the Accept header prefers it to text/html (no header, `*/*` and a
browser's header all prefer the page).
"""
HTML = "text/html"

_renderers = {}


def register_representation(media_types, render):
    """`render(request, dataset, media_type)` returns the response, or None to leave the dataset
    to its page (a representation may describe only some datasets)."""
    for media_type in media_types:
        _renderers[media_type] = render


def represent(request, dataset):
    """The registered representation the request prefers, or None for the HTML page."""
    if not _renderers:
        return None
    preferred = request.get_preferred_type([HTML, *_renderers])
    if preferred is None or preferred == HTML:
        return None
    return _renderers[preferred](request, dataset, preferred)
