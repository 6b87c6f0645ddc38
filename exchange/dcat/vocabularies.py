"""The RDF vocabularies DCAT-AP 3.0 speaks, and our values mapped onto the EU controlled vocabularies.

Every controlled value is an IRI of the EU Publications Office's authority tables (data themes,
frequencies, file types, access rights, languages) or IANA's media types, so harvesters
(data.europa.eu, CKAN's DCAT harvester, udata) file our datasets without a mapping of their own.
"""
import re

from rdflib import Namespace

from datasets.models import OpenGrade, UpdateFrequency

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "gsp": GSP, "hydra": HYDRA, "skos": SKOS,
            "spdx": SPDX, "vcard": VCARD}

AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME_SCHEME = AUTHORITY + "data-theme"
FREQUENCY_SCHEME = AUTHORITY + "frequency"
FILE_TYPE_SCHEME = AUTHORITY + "file-type"
ACCESS_RIGHT_SCHEME = AUTHORITY + "access-right"
LANGUAGE_SCHEME = AUTHORITY + "language"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# The EU data themes our top-level themes (datasets.vocabularies.THEMES) fall under, with the
# EU's English labels (skos:prefLabel is mandatory on a concept). A sub-theme takes its parent's.
EU_THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TRAN": "Transport",
}
EU_THEMES = {
    "transport": "TRAN",
    "environment": "ENVI",
    "economy": "ECON",
    "health": "HEAL",
    "education": "EDUC",
    "public-safety": "JUST",
    "urban-planning": "REGI",
    "culture-tourism": "EDUC",
    "social-security": "SOCI",
    "government-affairs": "GOVE",
    "agriculture": "AGRI",
    "resources-energy": "ENER",
}

FREQUENCIES = {
    UpdateFrequency.REALTIME: "UPDATE_CONT",
    UpdateFrequency.DAILY: "DAILY",
    UpdateFrequency.WEEKLY: "WEEKLY",
    UpdateFrequency.MONTHLY: "MONTHLY",
    UpdateFrequency.QUARTERLY: "QUARTERLY",
    UpdateFrequency.SEMIANNUAL: "BIANNUAL",
    UpdateFrequency.ANNUAL: "ANNUAL",
    UpdateFrequency.IRREGULAR: "IRREG",
    UpdateFrequency.NEVER: "NEVER",
}

# A conditional dataset's data is released on application (access): "restricted" in the EU's words.
# Restricted datasets never reach a public document.
ACCESS_RIGHTS = {OpenGrade.OPEN: "PUBLIC", OpenGrade.CONDITIONAL: "RESTRICTED"}

# Our formats (core.uploads.MEDIA_TYPES, and what publishers claim for links) -> EU file types.
FILE_TYPES = {
    **{code: code for code in ("CSV", "TSV", "JSON", "GEOJSON", "XML", "TXT", "XLSX", "XLS", "DOCX", "DOC",
                               "ZIP", "PDF", "PNG", "JPEG", "GIF", "TIFF", "PARQUET", "GZIP", "SHP", "BIN",
                               "HTML", "KML", "KMZ", "GML", "GPKG", "ODS", "ODT", "RDF_XML", "RDF_TURTLE",
                               "JSON_LD")},
    "JPG": "JPEG", "TIF": "TIFF", "GZ": "GZIP", "HTM": "HTML", "JSONLD": "JSON_LD", "JSON-LD": "JSON_LD",
    "TTL": "RDF_TURTLE", "RDF": "RDF", "WMS": "WMS_SRVC", "WFS": "WFS_SRVC",
}

# A registered IANA media type (no parameters, no "x-" private subtypes): only those have a page at IANA.
IANA_TYPE = re.compile(r"(application|audio|font|image|message|model|multipart|text|video)/(?!x-)[a-z0-9][a-z0-9.+-]*")

LANGUAGES = {"zh-Hans": "ZHO", "en": "ENG"}


def eu_theme(theme):
    """The EU data-theme code of one of our themes (a sub-theme maps through its parent), or None."""
    root = theme.parent if theme.parent_id else theme
    return EU_THEMES.get(root.code)


def iana_media_type(media_type):
    """The IANA IRI of a media type such as "text/csv; charset=utf-8", or None when IANA has no page for it."""
    essence = (media_type or "").split(";")[0].strip().lower()
    return IANA_MEDIA_TYPES + essence if IANA_TYPE.fullmatch(essence) else None
