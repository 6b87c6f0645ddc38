"""DCAT-AP datasets in an RDF graph (rdflib) -> Records.

A text in several languages gives the Chinese (or untagged) one to the field and the English one to
its `_en` twin. Dates and licences go on as the source wrote them; the licence is matched where its
IRI is one we know. The remote id is dct:identifier, else the dataset's IRI.
"""
import re

from rdflib import RDF, BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from datasets.models import OpenGrade, UpdateFrequency

from . import cleaning, dates, fields, licences
from .dcat_us import THEME_NAMES, temporal
from .records import Record

NAME = "dcat-rdf"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")

# The EU's frequency and access-right vocabularies, by the last segment of their IRIs.
FREQUENCIES = {
    "UPDATE_CONT": UpdateFrequency.REALTIME, "CONT": UpdateFrequency.REALTIME, "HOURLY": UpdateFrequency.REALTIME,
    "DAILY": UpdateFrequency.DAILY, "WEEKLY": UpdateFrequency.WEEKLY, "MONTHLY": UpdateFrequency.MONTHLY,
    "QUARTERLY": UpdateFrequency.QUARTERLY, "BIANNUAL": UpdateFrequency.SEMIANNUAL,
    "ANNUAL": UpdateFrequency.ANNUAL, "IRREG": UpdateFrequency.IRREGULAR, "NEVER": UpdateFrequency.NEVER,
}
ACCESS_RIGHTS = {"PUBLIC": OpenGrade.OPEN, "RESTRICTED": OpenGrade.CONDITIONAL, "NON_PUBLIC": OpenGrade.RESTRICTED}


def _tail(node):
    return re.split(r"[/#]", str(node).rstrip("/"))[-1]


def _texts(graph, subject, predicate):
    """(Chinese or untagged text, English text) of a possibly multilingual property."""
    values = [value for value in graph.objects(subject, predicate) if isinstance(value, Literal)]
    english = next((str(v) for v in values if (v.language or "").lower().startswith("en")), "")
    other = next((str(v) for v in values if (v.language or "").lower().startswith("zh")), "") or next(
        (str(v) for v in values if not v.language), "") or next((str(v) for v in values), "")
    return other, english


def _value(graph, subject, predicate):
    value = graph.value(subject, predicate)
    return "" if value is None else str(value).strip()


def _name(graph, agent):
    if agent is None:
        return ""
    if isinstance(agent, Literal):
        return str(agent).strip()
    return (_texts(graph, agent, FOAF.name)[0] or _texts(graph, agent, VCARD.fn)[0]
            or _texts(graph, agent, SKOS.prefLabel)[0]).strip()


def _themes(graph, subject):
    codes = []
    for theme in graph.objects(subject, DCAT.theme):
        names = [_tail(theme), *(str(label) for label in graph.objects(theme, SKOS.prefLabel))]
        code = next((THEME_NAMES[name.lower()] for name in names if name.lower() in THEME_NAMES), None)
        if code and code not in codes:
            codes.append(code)
    return codes


def _period(graph, subject):
    period = graph.value(subject, DCTERMS.temporal)
    if period is None:
        return "", ""
    start = _value(graph, period, DCAT.startDate) or _value(graph, period, SCHEMA.startDate)
    end = _value(graph, period, DCAT.endDate) or _value(graph, period, SCHEMA.endDate)
    return start, end


def _format(graph, distribution):
    """{label, media_type} of a distribution: its dct:format (a label or an EU file-type IRI) and its
    dcat:mediaType (an IANA IRI)."""
    fmt = graph.value(distribution, DCTERMS["format"])
    if isinstance(fmt, URIRef | BNode):
        label = _value(graph, fmt, RDF.value) or _texts(graph, fmt, SKOS.prefLabel)[0]
        fmt = label or (_tail(fmt) if isinstance(fmt, URIRef) else "")
    media_type = graph.value(distribution, DCAT.mediaType)
    return {"label": str(fmt or "").strip(), "media_type": re.sub(r"^.*/media-types/", "", str(media_type or ""))}


def parse(graph, subject):
    """The dcat:Dataset `subject` of `graph` -> a Record (with `skip` set when it cannot be imported)."""
    raw_id = _value(graph, subject, DCTERMS.identifier) or (str(subject) if isinstance(subject, URIRef) else "")
    title, title_en = _texts(graph, subject, DCTERMS.title)
    record = Record(source_id=raw_id or title[:80])
    if not raw_id:
        record.skip = "missing identifier"
        return record
    record.identifier = cleaning.catalog_identifier(raw_id)
    landing = _value(graph, subject, DCAT.landingPage)
    record.original_url = landing or (str(subject) if isinstance(subject, URIRef) else "")
    title = fields.title(record, title or title_en)
    if record.skip:
        return record
    description, description_en = _texts(graph, subject, DCTERMS.description)
    distributions = list(graph.objects(subject, DCAT.distribution))
    licence_iri = _value(graph, subject, DCTERMS.license) or next(
        (str(graph.value(d, DCTERMS.license)) for d in distributions if graph.value(d, DCTERMS.license)), "")
    licence, licence_text = licences.map_licence(record, licence_iri)
    keywords = [v for v in graph.objects(subject, DCAT.keyword) if not (v.language or "").startswith("en")]
    keywords_en = [v for v in graph.objects(subject, DCAT.keyword) if (v.language or "").startswith("en")]
    contact = graph.value(subject, DCAT.contactPoint)
    frequency = graph.value(subject, DCTERMS.accrualPeriodicity)
    access = graph.value(subject, DCTERMS.accessRights)
    start, end = _period(graph, subject)
    start, end = temporal(record, f"{start}/{end}") if start or end else (None, None)
    record.organization_name = _name(graph, graph.value(subject, DCTERMS.publisher))
    record.data = {
        "identifier": record.identifier,
        "title": title,
        "description": fields.text(record, description or description_en, fields.DESCRIPTION_LIMIT, "description"),
        "themes": _themes(graph, subject),
        "keywords": fields.keywords(record, [str(k) for k in keywords]),
        "licence": licence,
        "licence_text": licence_text,
        "update_frequency": FREQUENCIES.get(_tail(frequency), UpdateFrequency.IRREGULAR) if frequency
        else UpdateFrequency.IRREGULAR,
        "temporal_start": start,
        "temporal_end": end,
        **fields.contact(record, _name(graph, contact), _value(graph, contact, VCARD.hasEmail) if contact else ""),
        "issued": dates.map_date(record, "issued", _value(graph, subject, DCTERMS.issued)),
        "source_modified": dates.map_date(record, "modified", _value(graph, subject, DCTERMS.modified)),
        "source_url": record.original_url,
    }
    if access and _tail(access) in ACCESS_RIGHTS:  # else the source's default grade
        record.data["open_grade"] = ACCESS_RIGHTS[_tail(access)]
    fields.distributions(record, [
        {"name": _texts(graph, distribution, DCTERMS.title)[0],
         "url": _value(graph, distribution, DCAT.downloadURL) or _value(graph, distribution, DCAT.accessURL),
         **_format(graph, distribution), "description": _texts(graph, distribution, DCTERMS.description)[0]}
        for distribution in distributions])
    if title_en and title_en != title:
        record.data.update(title_en=title_en, description_en=fields.text(
            record, description_en, fields.DESCRIPTION_LIMIT, "description"),
            keywords_en=fields.keywords(record, [str(k) for k in keywords_en]))
    else:
        # The EU's language IRIs end in ISO 639-3 codes (ENG, ZHO).
        languages = [_tail(language).lower().replace("eng", "en") for language in graph.objects(subject, DCTERMS.language)]
        fields.fill_english(record, languages or None)
    return record


def datasets(graph):
    """The dcat:Dataset subjects of a graph, in a stable order."""
    return sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
