"""DCAT-US 1.1 (Project Open Data `data.json`) catalogs -> Records."""
import calendar
import json
import re

from datasets.models import OpenGrade, UpdateFrequency
from datasets.vocabularies import THEMES

from . import cleaning, dates, fields, licences
from .records import frequency_for_days

NAME = "dcat-us"

ACCESS_LEVELS = {
    "public": OpenGrade.OPEN,
    "restricted public": OpenGrade.CONDITIONAL,
    "non-public": OpenGrade.RESTRICTED,
}

DURATION = re.compile(
    r"^R/P(?:(?P<Y>[\d.]+)Y)?(?:(?P<M>[\d.]+)M)?(?:(?P<W>[\d.]+)W)?(?:(?P<D>[\d.]+)D)?"
    r"(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<m>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$"
)
DURATION_DAYS = {"Y": 365, "M": 30, "W": 7, "D": 1, "h": 1 / 24, "m": 1 / 1440, "s": 1 / 86400}
BBOX = re.compile(r"^\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*$")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

# Fragments of free-text DCAT themes -> our theme codes (first match wins).
THEME_FRAGMENTS = [
    ("traffic", "transport-road"), ("transit", "transport-public"), ("parking", "transport-parking"),
    ("transport", "transport"), ("air quality", "environment-air"), ("water", "environment-water"),
    ("environment", "environment"), ("medicare", "health"), ("health", "health"),
    ("school", "education-schools"), ("education", "education"), ("research", "education-research"),
    ("emergency", "public-safety-emergency"), ("fire", "public-safety-fire"), ("safety", "public-safety"),
    ("housing", "urban-planning-housing"), ("planning", "urban-planning"), ("budget", "government-affairs-budget"),
    ("financ", "economy-finance"), ("econom", "economy"), ("employment", "social-security-employment"),
    ("labor", "social-security-employment"), ("touris", "culture-tourism-tourism"), ("culture", "culture-tourism"),
    ("agricultur", "agriculture"), ("energy", "resources-energy"),
]


def _vocabulary_names():
    """{code or name, lower-cased: code} of our seeded themes: the portal's own data.json names its themes."""
    names = {}
    for code, zh, en, children in THEMES:
        for theme in ((code, zh, en), *children):
            names.update({name.lower(): theme[0] for name in theme})
    return names


THEME_NAMES = _vocabulary_names()


def detect(document):
    return isinstance(document, dict) and isinstance(document.get("dataset"), list)


def entries(document):
    return document["dataset"]


def update_frequency(record, value):
    value = str(value or "").strip()
    if not value or value.lower() == "irregular":
        return UpdateFrequency.IRREGULAR
    match = DURATION.match(value)
    if not match or not any(match.groupdict().values()):
        record.notes.append("unrecognized accrualPeriodicity (set to irregular)")
        return UpdateFrequency.IRREGULAR
    days = sum(float(amount) * DURATION_DAYS[unit] for unit, amount in match.groupdict().items() if amount)
    return frequency_for_days(days)


def _partial_date(value, end):
    match = PARTIAL_DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    year, month = int(year), int(month or (12 if end else 1))
    day = int(day or (calendar.monthrange(year, month)[1] if end else 1))
    return f"{year:04d}-{month:02d}-{day:02d}"


def temporal(record, value):
    """(start, end) ISO dates from a 'start/end' interval; a part may be a year or a datetime."""
    value = str(value or "").strip()
    if not value:
        return None, None
    start, _, end = value.partition("/")
    start, end = _partial_date(start, end=False), _partial_date(end or start, end=True)
    if start is None or end is None or end < start:
        record.notes.append("unusable temporal interval dropped")
        return None, None
    return start, end


def spatial(record, value):
    """DCAT spatial -> our region name, bbox or GeoJSON field."""
    if isinstance(value, dict):
        return {"spatial_geojson": value}
    value = str(value or "").strip()
    if not value:
        return {}
    if BBOX.match(value):
        return {"spatial_bbox": [float(part) for part in value.split(",")]}
    if value.startswith("{"):
        try:
            return {"spatial_geojson": json.loads(value)}
        except ValueError:
            record.notes.append("unparseable GeoJSON in spatial dropped")
            return {}
    return {"spatial_region": fields.text(record, value, fields.REGION_LIMIT, "spatial")}


def themes_and_keywords(record, themes, keywords):
    """Our theme codes for DCAT themes naming one of ours or recognizable by a fragment; the others are kept
    as keywords."""
    if isinstance(themes, str):
        themes = [themes]
    codes, extra = [], []
    for theme in themes or []:
        lowered = str(theme).strip().lower()
        code = THEME_NAMES.get(lowered) or next((code for fragment, code in THEME_FRAGMENTS if fragment in lowered), None)
        if code and code not in codes:
            codes.append(code)
        elif not code:
            extra.append(str(theme))
    return codes, fields.keywords(record, list(fields.keywords(record, keywords)) + extra)


def _name(value):
    if isinstance(value, dict):
        # Some Hub catalogs name the publisher under "source" instead of "name".
        return str(value.get("name") or value.get("source") or value.get("fn") or "").strip()
    return str(value or "").strip()


def parse(entry):
    """One catalog entry -> a Record (with `skip` set when it cannot be imported)."""
    entry, record, raw_id = fields.open_record(entry, "identifier", "title")
    if record.skip:
        return record
    record.identifier = cleaning.catalog_identifier(raw_id)
    if record.identifier != raw_id:
        record.notes.append("identifier rewritten to a valid one")
    title = fields.title(record, entry.get("title"))
    if record.skip:
        return record
    record.organization_name = _name(entry.get("publisher"))
    contact = entry.get("contactPoint") if isinstance(entry.get("contactPoint"), dict) else {}
    access = str(entry.get("accessLevel") or "").strip().lower()
    if access not in ACCESS_LEVELS:
        record.notes.append("missing or unknown accessLevel (imported as restricted)")
    licence, licence_text = licences.map_licence(record, entry.get("license"))
    themes, keywords = themes_and_keywords(record, entry.get("theme"), entry.get("keyword"))
    start, end = temporal(record, entry.get("temporal"))
    record.data = {
        "identifier": record.identifier,
        "title": title,
        "description": fields.text(record, entry.get("description"), fields.DESCRIPTION_LIMIT, "description"),
        "themes": themes,
        "keywords": keywords,
        "licence": licence,
        "licence_text": licence_text,
        "issued": dates.map_date(record, "issued", entry.get("issued")),
        "source_modified": dates.map_date(record, "modified", entry.get("modified")),
        "open_grade": ACCESS_LEVELS.get(access, OpenGrade.RESTRICTED),
        "update_frequency": update_frequency(record, entry.get("accrualPeriodicity")),
        "temporal_start": start,
        "temporal_end": end,
        "spatial_region": "",
        "spatial_bbox": None,
        "spatial_geojson": None,
        **fields.contact(record, _name(contact), contact.get("hasEmail")),
        "source_url": str(entry.get("landingPage") or "").strip(),
        **spatial(record, entry.get("spatial")),
    }
    record.original_url = record.data["source_url"]
    distributions = entry.get("distribution")
    fields.distributions(record, [
        {"name": item.get("title"), "url": item.get("downloadURL") or item.get("accessURL"),
         "label": item.get("format"), "media_type": item.get("mediaType"), "description": item.get("description")}
        for item in (distributions if isinstance(distributions, list) else []) if isinstance(item, dict)])
    fields.fill_english(record, entry.get("language"))
    return record
