"""CKAN packages (package_search / package_show results) -> Records.

The remote id is the package id; our identifier is the package's `identifier` extra when it has one
(ckanext-dcat and this portal write it), else its name. Dates and licences go on as the source
wrote them; the licence is matched where its URL is one we know.
"""
import json

from datasets.models import OpenGrade, UpdateFrequency

from . import cleaning, dates, fields, licences
from .dcat_us import themes_and_keywords

NAME = "ckan"


def _extras(entry):
    extras = entry.get("extras")
    pairs = extras if isinstance(extras, list) else []
    return {str(pair.get("key")): pair.get("value") for pair in pairs if isinstance(pair, dict) and pair.get("key")}


def _licence_named(entry):
    """What the package says its licence is: its URL, else its title, else its id ("notspecified" is none)."""
    named = [_text(entry.get(key)) for key in ("license_url", "license_title", "license_id")]
    return next((value for value in named if value and value != "notspecified"), "")


def _choice(value, choices, default):
    return value if value in choices.values else default


def _json_list(value):
    """A list written as JSON text in an extra (this portal's keywords_en), else []."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _spatial(record, value):
    if not value:
        return {}
    try:
        geometry = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        record.notes.append("unparseable GeoJSON in spatial dropped")
        return {}
    return {"spatial_geojson": geometry} if isinstance(geometry, dict) else {}


def _text(value):
    return str(value or "").strip()


def parse(entry, site=""):
    """One package -> a Record; `site` is the portal's root URL, for the link to the package's page."""
    entry, record, raw_id = fields.open_record(entry, "id", "title")
    if record.skip:
        return record
    extras = _extras(entry)
    name = _text(entry.get("name"))
    record.identifier = cleaning.catalog_identifier(_text(extras.get("identifier")) or name or raw_id)
    if name and site:
        record.original_url = f"{site.rstrip('/')}/dataset/{name}"
    title = fields.title(record, entry.get("title") or name)
    if record.skip:
        return record
    organization = entry.get("organization") if isinstance(entry.get("organization"), dict) else {}
    record.organization_name = _text(organization.get("title") or organization.get("name"))
    licence, licence_text = licences.map_licence(record, _licence_named(entry))
    tags = [tag.get("display_name") or tag.get("name") for tag in entry.get("tags") or [] if isinstance(tag, dict)]
    groups = [group.get("name") for group in entry.get("groups") or [] if isinstance(group, dict)]
    themes, keywords = themes_and_keywords(record, [], tags)
    theme_codes, _others = themes_and_keywords(record, groups, [])
    record.data = {
        "identifier": record.identifier,
        "title": title,
        "description": fields.text(record, entry.get("notes"), fields.DESCRIPTION_LIMIT, "description"),
        "themes": list(dict.fromkeys(themes + theme_codes)),
        "keywords": keywords,
        "licence": licence,
        "licence_text": licence_text,
        "update_frequency": _choice(extras.get("update_frequency"), UpdateFrequency, UpdateFrequency.IRREGULAR),
        "temporal_start": _text(extras.get("temporal_start"))[:10] or None,
        "temporal_end": _text(extras.get("temporal_end"))[:10] or None,
        "spatial_region": fields.text(record, extras.get("spatial_region"), fields.REGION_LIMIT, "spatial"),
        **fields.contact(record, entry.get("maintainer") or entry.get("author"),
                         entry.get("maintainer_email") or entry.get("author_email")),
        # ckanext-dcat keeps the dataset's own dates in extras; metadata_* are the catalog record's.
        "issued": dates.map_date(record, "issued", extras.get("issued") or entry.get("metadata_created")),
        "source_modified": dates.map_date(record, "modified",
                                          extras.get("modified") or entry.get("metadata_modified")),
        "source_url": record.original_url or _text(entry.get("url")),
        **_spatial(record, extras.get("spatial")),
    }
    if extras.get("open_grade") in OpenGrade.values:  # else the source's default grade
        record.data["open_grade"] = extras["open_grade"]
    keywords_en = fields.keywords(record, _json_list(extras.get("keywords_en")))
    if keywords_en:
        record.data["keywords_en"] = keywords_en
    fields.distributions(record, [
        {"name": resource.get("name"), "url": resource.get("url"), "label": resource.get("format"),
         "media_type": resource.get("mimetype"), "description": resource.get("description")}
        for resource in entry.get("resources") or [] if isinstance(resource, dict)])
    fields.fill_english(record, extras.get("language"))
    return record
