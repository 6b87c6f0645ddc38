"""DCAT-AP documents over HTTP: the paged catalog and each dataset, by extension or Accept header."""
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.exceptions import fields_message, validation_error_fields
from core.http_errors import json_error
from exchange.links import SiteLinks

from . import selectors
from .catalog import catalog_graph, dataset_graph
from .formats import BY_MEDIA_TYPE, FORMATS, MEDIA_TYPES, negotiated


def not_acceptable():
    message = _("无法提供所请求的格式。可用的格式：%(types)s。") % {"types": ", ".join(MEDIA_TYPES)}
    return json_error(406, "not_acceptable", message, {"accept": [message]})


def invalid(error):
    fields = validation_error_fields(error)
    return json_error(400, "invalid", fields_message(fields), fields)


@require_safe
def catalog(request, extension=None):
    """A page of the catalog: /catalog.ttl|.jsonld|.rdf, or /catalog in the format the Accept header asks."""
    fmt = FORMATS[extension] if extension else negotiated(request)
    if fmt is None:
        response = not_acceptable()
    else:
        try:
            since = request.GET.get("modified_since", "")
            page = selectors.catalog_page(selectors.parse_page(request.GET.get("page")),
                                          selectors.parse_modified_since(since))
        except ValidationError as error:
            response = invalid(error)
        else:
            links = SiteLinks.for_request(request)
            base = links.named(request.resolver_match.url_name)

            def page_url(number):
                query = {"modified_since": since} if since else {}
                return f"{base}?{urlencode({**query, 'page': number})}"

            response = fmt.response(catalog_graph(links, page, page_url, selectors.catalog_modified()))
    if extension is None:
        patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def dataset(request, identifier, extension):
    """/datasets/<identifier>.ttl|.jsonld|.rdf: 404 for a dataset the anonymous reader may not see."""
    links = SiteLinks.for_request(request)
    return FORMATS[extension].response(dataset_graph(links, selectors.public_dataset(identifier)))


def dataset_representation(request, dataset, media_type):
    """The dataset page's RDF (datasets.representations), for datasets in the public catalog only:
    a member asking for a dataset the public may not see gets its page."""
    if not selectors.is_public(dataset):
        return None
    links = SiteLinks.for_request(request)
    return BY_MEDIA_TYPE[media_type].response(dataset_graph(links, selectors.prepare(dataset)))
