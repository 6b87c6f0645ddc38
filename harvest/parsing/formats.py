"""A distribution's format from what a catalog says about it: its format label, media type and URL.

Catalogs label formats loosely ("Web Page", "csv", "Zipped CSV", "text/csv") and often give only a
media type or only a URL, so: a label naming a known format, else a telling media type, else the URL's
extension, else the label kept as the source's text, else a generic media type (JSON, XML, plain text).
Files the portal stores are not judged here: their bytes are sniffed when stored (core.uploads).
"""
import re
from urllib.parse import urlsplit

from core.uploads import MEDIA_TYPES

from .records import DROPPED, KEPT_AS_TEXT, MAPPED

LABEL_LIMIT = 30

MEDIA_FORMATS = {
    **{media_type: fmt for fmt, media_type in MEDIA_TYPES.items()},
    "application/vnd.geo+json": "GEOJSON", "text/json": "JSON", "text/xml": "XML", "text/tsv": "TSV",
    "application/x-zip-compressed": "ZIP", "application/vnd.google-earth.kmz+xml": "KMZ",
    "application/xhtml+xml": "HTML", "application/msword": "DOC", "image/tiff": "TIFF",
    "application/rss+xml": "RSS", "application/vnd.ogc.wms_xml": "WMS", "application/vnd.ogc.wfs_xml": "WFS",
    "application/x-turtle": "TTL", "application/x-gzip": "GZIP", "text/comma-separated-values": "CSV",
    # Formats with no media type of the portal's own (a link to a page is no download, so HTML has none).
    "text/html": "HTML", "text/turtle": "TTL", "application/ld+json": "JSONLD",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
# Media types that say less than a label does ("ArcGIS GeoServices REST API" is served as JSON).
GENERIC = {"application/json", "application/xml", "text/xml", "text/plain", "application/octet-stream"}
EXTENSIONS = {
    "csv": "CSV", "tsv": "TSV", "json": "JSON", "geojson": "GEOJSON", "xml": "XML", "rdf": "RDF", "ttl": "TTL",
    "jsonld": "JSONLD", "kml": "KML", "kmz": "KMZ", "html": "HTML", "htm": "HTML", "xlsx": "XLSX",
    "xls": "XLS", "ods": "ODS", "zip": "ZIP", "pdf": "PDF", "docx": "DOCX", "doc": "DOC", "txt": "TXT",
    "gz": "GZIP", "parquet": "PARQUET", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF",
    "tif": "TIFF", "tiff": "TIFF", "gml": "GML", "gpkg": "GPKG", "shp": "SHP",
}
KNOWN = {*MEDIA_FORMATS.values(), *EXTENSIONS.values()}
LABELS = {
    **EXTENSIONS,
    "web page": "HTML", "webpage": "HTML", "web site": "HTML", "excel": "XLS", "excel file": "XLS",
    "shapefile": "SHP", "json-ld": "JSONLD", "turtle": "TTL", "rdf/xml": "RDF", "rdf+xml": "RDF",
    "rss+xml": "RSS", "ogc wms": "WMS", "ogc wfs": "WFS", "esri shapefile": "SHP", "zipped csv": "ZIP",
}


def _essence(media_type):
    return str(media_type or "").split(";")[0].strip().lower()


def _from_label(label):
    if label.upper() in KNOWN:
        return label.upper()
    return LABELS.get(label.lower()) or MEDIA_FORMATS.get(_essence(label))


def _from_url(url):
    try:
        path = urlsplit(str(url or "").strip()).path
    except ValueError:
        return None
    match = re.search(r"\.([A-Za-z0-9]{2,7})$", path)
    return EXTENSIONS.get(match.group(1).lower()) if match else None


def format_for(label="", media_type="", url=""):
    """(format, outcome): a known format "mapped", the source's label "kept_as_text", or ("", "dropped")."""
    label = str(label or "").strip().lstrip(".")
    media_type = _essence(media_type)
    known = (_from_label(label) if label else None) or (
        MEDIA_FORMATS.get(media_type) if media_type not in GENERIC else None) or _from_url(url)
    if known:
        return known, MAPPED
    if label and len(label) <= LABEL_LIMIT:
        return label.upper(), KEPT_AS_TEXT
    if media_type in MEDIA_FORMATS:
        return MEDIA_FORMATS[media_type], MAPPED
    return "", DROPPED


def note_outcomes(record, outcomes):
    """The record's one "formats" outcome from its distributions' ones: the worst of them (none without any)."""
    worst = next((outcome for outcome in (DROPPED, KEPT_AS_TEXT, MAPPED) if outcome in outcomes), None)
    if worst:
        record.field_outcomes["formats"] = worst
