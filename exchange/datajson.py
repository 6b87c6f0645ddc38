"""The public catalog as DCAT-US 1.1 `data.json` (Project Open Data, non-federal profile), streamed.

Each dataset maps to one entry in the portal's default language (the plain, Chinese fields), and
the mapping is the one harvest.parsing.dcat_us reads back: `import_catalog` on this output gives
the same datasets, except what the format cannot carry (docs/exchange.md lists it). The catalog is
read a chunk at a time (`iterator(chunk_size=...)` with its prefetches), so neither memory nor the
number of queries grows with the catalog.
"""
import json
import re

from django.conf import settings
from django.utils import translation

from datasets.models import OpenGrade, UpdateFrequency

from .catalog import (
    ANONYMOUS,
    access_conditions,
    access_conditions_short,
    iso_timestamp,
    public_datasets,
)
from .links import file_versions

CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
DESCRIBED_BY = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
CHUNK_SIZE = 500
RIGHTS_LIMIT = 255  # the schema's maximum length of `rights`

ACCESS_LEVELS = {OpenGrade.OPEN: "public", OpenGrade.CONDITIONAL: "restricted public"}
# ISO 8601 repeating durations, as the Project Open Data schema lists them ("never" has none: left out).
PERIODICITY = {
    UpdateFrequency.REALTIME: "R/PT1S", UpdateFrequency.DAILY: "R/P1D", UpdateFrequency.WEEKLY: "R/P1W",
    UpdateFrequency.MONTHLY: "R/P1M", UpdateFrequency.QUARTERLY: "R/P3M", UpdateFrequency.SEMIANNUAL: "R/P6M",
    UpdateFrequency.ANNUAL: "R/P1Y", UpdateFrequency.IRREGULAR: "irregular",
}
# What the schema accepts as a media type (a stored one with parameters or odd characters is left out).
MEDIA_TYPE = re.compile(r"^[-\w]+/[-\w]+(\.[-\w]+)*([+][-\w]+)?$")
CHINESE, ENGLISH = "zh-Hans", "en"


def catalog_json(links):
    """The whole data.json, piece by piece: the catalog's head, then one dataset at a time."""
    head = {"@context": CONTEXT, "@id": links.named("data-json"), "@type": "dcat:Catalog",
            "conformsTo": CONFORMS_TO, "describedBy": DESCRIBED_BY}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataset": ['
    datasets = public_datasets().order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    for position, dataset in enumerate(datasets):
        with translation.override(settings.LANGUAGE_CODE):  # per entry: never held across a yield
            entry = dataset_entry(links, dataset)
        yield ("," if position else "") + json.dumps(entry, ensure_ascii=False)
    yield "]}"


def dataset_entry(links, dataset):
    """One dataset as a DCAT-US 1.1 entry (empty values left out, as the schema wants)."""
    organization = dataset.organization
    contact = {"@type": "vcard:Contact", "fn": dataset.contact_name or organization.name_zh}
    if dataset.contact_email:
        contact["hasEmail"] = f"mailto:{dataset.contact_email}"
    entry = {
        "@type": "dcat:Dataset",
        "identifier": dataset.identifier,
        "title": dataset.title,
        # Required by the schema; a dataset without one is described by its title.
        "description": dataset.description or dataset.title,
        "keyword": list(dataset.keywords or []),
        "modified": iso_timestamp(dataset.catalog_modified),
        "issued": iso_timestamp(dataset.catalog_issued),
        "publisher": {"@type": "org:Organization", "name": organization.name_zh},
        "contactPoint": contact,
        "accessLevel": ACCESS_LEVELS[dataset.open_grade],
        "rights": _rights(links, dataset),
        "license": dataset.licence.url if dataset.licence else "",
        "spatial": _spatial(dataset),
        "temporal": _temporal(dataset),
        "accrualPeriodicity": PERIODICITY.get(dataset.update_frequency, ""),
        "landingPage": links.landing_page(dataset),
        "theme": [theme.name_zh for theme in dataset.themes.all()],
        "language": [ENGLISH if _is_english(dataset) else CHINESE],
        "distribution": [_distribution(links, dataset, resource) for resource in dataset.resources.all()],
    }
    return {key: value for key, value in entry.items() if value not in ("", [], None)}


def _distribution(links, dataset, resource):
    """A file the reader may download is a downloadURL; anything else an accessURL.

    A conditional dataset's distributions point at its landing page, each at its own entry there
    (`#resource-<id>`), so they stay told apart (the importer keeps one distribution per URL).
    """
    media_type = resource.media_type if MEDIA_TYPE.match(resource.media_type or "") else ""
    url = links.data_url(ANONYMOUS, resource, dataset)
    if not ANONYMOUS.can_download(dataset, file_versions(resource)):  # conditional, or held for personal data
        key, url = "accessURL", f"{url}#resource-{resource.pk}"
    else:
        # The schema wants a media type with every downloadURL; a link of unknown type is a page to visit.
        key = "downloadURL" if media_type else "accessURL"
    item = {"@type": "dcat:Distribution", key: url, "mediaType": media_type, "format": resource.format,
            "title": resource.name, "description": resource.description}
    return {name: value for name, value in item.items() if value}


def _rights(links, dataset):
    if dataset.open_grade != OpenGrade.CONDITIONAL:
        return ""
    text = access_conditions(links, dataset)
    return text if len(text) <= RIGHTS_LIMIT else access_conditions_short()


def _spatial(dataset):
    """One value, the most precise there is: the bounding box, else the GeoJSON, else the region's name."""
    if dataset.spatial_bbox:
        return ",".join(_coordinate(value) for value in dataset.spatial_bbox)
    if dataset.spatial_geojson:
        return json.dumps(dataset.spatial_geojson, ensure_ascii=False, separators=(",", ":"))
    return dataset.spatial_region


def _coordinate(value):
    """A plain decimal (no exponent, which catalog readers' bounding-box patterns refuse)."""
    return format(float(value), ".10f").rstrip("0").rstrip(".")


def _temporal(dataset):
    """'start/end'; the schema's intervals have both ends, so a half-open range is left out."""
    if dataset.temporal_start and dataset.temporal_end:
        return f"{dataset.temporal_start.isoformat()}/{dataset.temporal_end.isoformat()}"
    return ""


def _is_english(dataset):
    """A dataset whose English texts are its only texts (an English catalog's, as imported) is in English."""
    return bool(dataset.title_en) and (dataset.title_en, dataset.description_en, dataset.keywords_en) == (
        dataset.title, dataset.description, dataset.keywords)
