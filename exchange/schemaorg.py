"""schema.org JSON-LD for the public pages (what dataset search engines read): a Dataset on each public
dataset's page, a DataCatalog on the home page. Registered in datasets.structured_data (ExchangeConfig.ready).

Only datasets of the public catalog are described, whoever views the page: a restricted dataset or a
draft shown to its own publisher gets nothing. Texts are in the page's language; download URLs are given
only where the anonymous reader may download (exchange.links).
"""
import html

from django.utils.html import strip_tags

from core.localization import ENGLISH, localized, requested_language
from core.markdown import render_markdown
from core.site import PORTAL_NAME

from .catalog import ANONYMOUS, access_conditions, in_public_catalog, iso_timestamp
from .links import SiteLinks, file_versions

CONTEXT = "https://schema.org"


def describe_catalog(request, subject):
    links = SiteLinks.for_request(request)
    return {"@context": CONTEXT, "@type": "DataCatalog", "name": str(PORTAL_NAME), "url": links.named("home"),
            "inLanguage": _language()}


def describe_dataset(request, dataset):
    if not in_public_catalog(dataset):
        return None
    links = SiteLinks.for_request(request)
    landing_page = links.landing_page(dataset)
    organization = dataset.organization
    agent = {"@type": "Organization", "name": localized(organization, "name"),
             "url": links.named("organization-detail", organization.slug)}
    downloadable = ANONYMOUS.can_download(dataset)
    document = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": landing_page,
        "url": landing_page,
        "name": localized(dataset, "title"),
        "description": _plain_text(localized(dataset, "description")) or localized(dataset, "title"),
        "identifier": dataset.identifier,
        "keywords": list(localized(dataset, "keywords") or []),
        "license": dataset.licence.url if dataset.licence else "",
        "isAccessibleForFree": downloadable,
        "conditionsOfAccess": "" if downloadable else access_conditions(links, dataset),
        "creator": agent,
        "publisher": agent,
        "dateModified": iso_timestamp(dataset.catalog_modified),
        "datePublished": iso_timestamp(dataset.catalog_issued),
        "temporalCoverage": _temporal_coverage(dataset),
        "spatialCoverage": _spatial_coverage(dataset),
        "inLanguage": _language(),
        "distribution": [_download(links, dataset, resource, downloadable) for resource in dataset.resources.all()],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": str(PORTAL_NAME), "url": links.named("home")},
    }
    return {key: value for key, value in document.items() if value not in ("", [], None)}


def _download(links, dataset, resource, downloadable):
    item = {"@type": "DataDownload", "name": localized(resource, "name"),
            "encodingFormat": resource.media_type or resource.format}
    if downloadable and ANONYMOUS.can_download(dataset, file_versions(resource)):  # not held for personal data
        item["contentUrl"] = links.data_url(ANONYMOUS, resource, dataset)
    return {key: value for key, value in item.items() if value}


def _temporal_coverage(dataset):
    """An ISO 8601 interval; schema.org writes an open end as '..'."""
    start, end = dataset.temporal_start, dataset.temporal_end
    if not (start or end):
        return ""
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def _spatial_coverage(dataset):
    """A Place: the region's name and the bounding box as a GeoShape (schema.org's box is 'lat lon lat lon')."""
    place = {"@type": "Place"}
    if dataset.spatial_region:
        place["name"] = dataset.spatial_region
    if dataset.spatial_bbox:
        west, south, east, north = dataset.spatial_bbox
        place["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}
    return place if len(place) > 1 else None


def _plain_text(markdown):
    """A Markdown description as the text a reader sees (what search engines show), markup and raw HTML gone."""
    return html.unescape(strip_tags(render_markdown(markdown))).strip()


def _language():
    return "en" if requested_language() == ENGLISH else "zh-Hans"
