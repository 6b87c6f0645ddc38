"""The exchange formats' doors: data.json, the sitemaps (django.contrib.sitemaps.views), robots.txt."""
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from . import datajson, robots
from .links import SiteLinks


@require_safe
def data_json(request):
    """The public catalog as DCAT-US 1.1, streamed (its size is the catalog's)."""
    return StreamingHttpResponse(datajson.catalog_json(SiteLinks.for_request(request)),
                                 content_type="application/json")


@require_safe
def robots_txt(request):
    return HttpResponse(robots.robots_txt(SiteLinks.for_request(request)), content_type="text/plain; charset=utf-8")
