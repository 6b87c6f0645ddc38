"""A dataset and its distributions as a DCAT-AP 3.0 graph (rdflib), as the anonymous reader sees them.

Every value node is typed explicitly (foaf:Agent, vcard:Kind, dct:LicenseDocument, skos:Concept...)
so the DCAT-AP shapes validate without loading the vocabularies or running inference. Nodes
without an IRI of their own are blank nodes named from what they describe, so the same catalog
serializes to the same bytes (harvesters compare documents; the door sweep compares answers).
Links come from exchange.links.SiteLinks: a distribution's data URL is given only where anyone
may download the data; a conditional dataset's distributions point at its landing page.
"""
import hashlib
from urllib.parse import quote

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from core.input_guard import CONTROL_CHARACTERS
from core.localization import localized
from datasets.models import Resource

from ..catalog import ANONYMOUS, access_conditions
from ..links import file_versions
from . import vocabularies as vocab
from .vocabularies import DCAT, DCT, FOAF, GSP, SKOS, SPDX, VCARD

CHINESE, ENGLISH = "zh-Hans", "en"
# What an IRI may hold unescaped: RFC 3986's reserved and unreserved characters, and "%" (already escaped).
IRI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


def new_graph():
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def iri(url):
    """A URL as an IRI that every serialization writes (spaces, quotes, braces... escaped)."""
    return URIRef(quote(url, safe=IRI_SAFE))


def text(value, lang=None):
    """A string literal without C0 control characters: XML cannot carry them (RDF/XML would not parse),
    and the request guard (core.input_guard) keeps them out of what the portal is sent, not of imports."""
    return Literal(CONTROL_CHARACTERS.sub("", value), lang=lang)


def node(*parts):
    """A blank node named from what it describes: the same thing gets the same node in every document."""
    return BNode("n" + hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32])


def in_both_languages(make):
    """(Chinese text, English text) of `make()` under each language; the English one only if translated."""
    with translation.override("zh-hans"):
        chinese = str(make())
    with translation.override("en"):
        english = str(make())
    return chinese, english if english != chinese else ""


class DcatGraph:
    """One document's graph; add datasets to it (exchange.dcat.catalog adds the catalog and paging)."""

    def __init__(self, links):
        self.links = links
        self.graph = new_graph()
        self._agents, self._themes = {}, {}

    def add(self, subject, predicate, value):
        self.graph.add((subject, predicate, value))

    def texts(self, subject, predicate, chinese, english=""):
        """A bilingual field: the Chinese text tagged zh-Hans and the English one, when set, tagged en."""
        if chinese:
            self.add(subject, predicate, text(chinese, CHINESE))
        if english:
            self.add(subject, predicate, text(english, ENGLISH))

    def typed(self, ref, *classes):
        for rdf_class in classes:
            self.add(ref, RDF.type, rdf_class)
        return ref

    def document(self, url):
        return self.typed(iri(url), FOAF.Document)

    def web_resource(self, url):
        return self.typed(iri(url), RDFS.Resource)

    def language(self, tag):
        return self.typed(URIRef(f"{vocab.LANGUAGE_SCHEME}/{vocab.LANGUAGES[tag]}"), DCT.LinguisticSystem)

    # --- the dataset ---

    def add_dataset(self, dataset):
        """The dataset's triples; `dataset` comes from exchange.dcat.selectors (its prefetches)."""
        ref = URIRef(self.links.landing_page(dataset))
        self.typed(ref, DCAT.Dataset)
        self.add(ref, DCT.identifier, text(dataset.identifier))
        self.texts(ref, DCT.title, dataset.title, dataset.title_en)
        if dataset.description or dataset.description_en:
            self.texts(ref, DCT.description, dataset.description, dataset.description_en)
        else:  # DCAT-AP requires a description; the title is all there is to say
            self.texts(ref, DCT.description, dataset.title, dataset.title_en)
        for keyword in dataset.keywords:
            self.add(ref, DCAT.keyword, text(keyword, CHINESE))
        for keyword in dataset.keywords_en:
            self.add(ref, DCAT.keyword, text(keyword, ENGLISH))
        for theme in dataset.themes.all():
            self._add_themes(ref, theme)
        self.add(ref, DCT.publisher, self.agent(dataset.organization))
        self._add_contact(ref, dataset)
        access = vocab.ACCESS_RIGHTS[dataset.open_grade]
        self.add(ref, DCT.accessRights,
                 self.typed(URIRef(f"{vocab.ACCESS_RIGHT_SCHEME}/{access}"), DCT.RightsStatement))
        frequency = URIRef(f"{vocab.FREQUENCY_SCHEME}/{vocab.FREQUENCIES[dataset.update_frequency]}")
        self.add(ref, DCT.accrualPeriodicity, self.typed(frequency, DCT.Frequency))
        self.add(frequency, SKOS.inScheme, URIRef(vocab.FREQUENCY_SCHEME))
        self._add_coverage(ref, dataset)
        if dataset.catalog_issued:
            self.add(ref, DCT.issued, Literal(dataset.catalog_issued))
        self.add(ref, DCT.modified, Literal(dataset.catalog_modified))
        self.add(ref, DCT.language, self.language(CHINESE))
        if dataset.title_en or dataset.description_en or dataset.keywords_en:
            self.add(ref, DCT.language, self.language(ENGLISH))
        self.add(ref, DCAT.landingPage, self.document(self.links.landing_page(dataset)))
        if dataset.source_url:
            self.add(ref, FOAF.page, self.document(dataset.source_url))
        for entry in getattr(dataset, "merged_contributions", ()):
            self.add(ref, DCT.provenance, self._provenance(entry))
        licence = self.licence(dataset.licence)
        for resource in dataset.resources.all():
            self.add(ref, DCAT.distribution, self._distribution(dataset, resource, licence))
        return ref

    def agent(self, organization):
        """The publishing department as a foaf:Agent named by its page."""
        if organization.pk not in self._agents:
            ref = self.typed(URIRef(self.links.named("organization-detail", organization.slug)), FOAF.Agent)
            self.texts(ref, FOAF.name, organization.name_zh, organization.name_en)
            self._agents[organization.pk] = ref
        return self._agents[organization.pk]

    def _add_contact(self, ref, dataset):
        """The dataset's contact, else its department's email; none when neither is known."""
        email = dataset.contact_email or dataset.organization.contact_email
        if not (dataset.contact_name or email):
            return
        contact = self.typed(node("contact", dataset.uid), VCARD.Kind, VCARD.Organization)
        if dataset.contact_name:
            self.add(contact, VCARD.fn, text(dataset.contact_name))
        else:
            self.texts(contact, VCARD.fn, dataset.organization.name_zh, dataset.organization.name_en)
        if email:
            self.add(contact, VCARD.hasEmail, URIRef("mailto:" + quote(email, safe="@+")))
        self.add(ref, DCAT.contactPoint, contact)

    def _add_themes(self, ref, theme):
        """Our theme (a concept of our scheme, under its parent) and the EU data theme it falls under."""
        code = vocab.eu_theme(theme)
        if code:
            eu_theme = self.typed(URIRef(f"{vocab.DATA_THEME_SCHEME}/{code}"), SKOS.Concept)
            self.add(eu_theme, SKOS.prefLabel, Literal(vocab.EU_THEME_LABELS[code], lang=ENGLISH))
            self.add(eu_theme, SKOS.inScheme, URIRef(vocab.DATA_THEME_SCHEME))
            self.add(ref, DCAT.theme, eu_theme)
        self.add(ref, DCAT.theme, self.own_theme(theme))

    def own_theme(self, theme):
        if theme.pk not in self._themes:
            concept = self.typed(URIRef(self.links.named("theme-detail", theme.code)), SKOS.Concept)
            self.texts(concept, SKOS.prefLabel, theme.name_zh, theme.name_en)
            self.add(concept, SKOS.inScheme, URIRef(self.links.named("theme-list")))
            if theme.parent_id:
                self.add(concept, SKOS.broader, self.own_theme(theme.parent))
            self._themes[theme.pk] = concept
        return self._themes[theme.pk]

    def _add_coverage(self, ref, dataset):
        bbox = wkt_polygon(dataset.spatial_bbox)
        if bbox or dataset.spatial_region:
            location = self.typed(node("spatial", dataset.uid), DCT.Location)
            if bbox:
                self.add(location, DCAT.bbox, Literal(bbox, datatype=GSP.wktLiteral))
            self.texts(location, SKOS.prefLabel, dataset.spatial_region)
            self.add(ref, DCT.spatial, location)
        if dataset.temporal_start or dataset.temporal_end:
            period = self.typed(node("temporal", dataset.uid), DCT.PeriodOfTime)
            if dataset.temporal_start:
                self.add(period, DCAT.startDate, Literal(dataset.temporal_start))
            if dataset.temporal_end:
                self.add(period, DCAT.endDate, Literal(dataset.temporal_end))
            self.add(ref, DCT.temporal, period)

    def _provenance(self, entry):
        """A merged enterprise contribution, in the words of the dataset page's provenance note."""
        statement = self.typed(node("provenance", entry.pk), DCT.ProvenanceStatement)

        def label():
            return _("由 %(enterprise)s 贡献（%(kind)s，贡献 #%(number)s，%(date)s 合并）") % {
                "enterprise": localized(entry.enterprise, "name"), "kind": entry.get_kind_display(),
                "number": entry.contribution_id, "date": timezone.localdate(entry.created).isoformat()}

        self.texts(statement, RDFS.label, *in_both_languages(label))
        return statement

    def licence(self, licence):
        """The licence as a dct:LicenseDocument: its own URL, or a named blank node for ours without one."""
        if licence is None:
            return None
        ref = self.typed(iri(licence.url) if licence.url else node("licence", licence.code), DCT.LicenseDocument)
        self.texts(ref, DCT.title, licence.title_zh, licence.title_en)
        return ref

    # --- its distributions ---

    def _distribution(self, dataset, resource, licence):
        ref = URIRef(f"{self.links.landing_page(dataset)}#resource-{resource.uid}")
        self.typed(ref, DCAT.Distribution)
        self.texts(ref, DCT.title, resource.name, resource.name_en)
        downloadable = ANONYMOUS.can_download(dataset)
        if downloadable:
            self.texts(ref, DCT.description, resource.description, resource.description_en)
        else:
            self.texts(ref, DCT.description, *self._application_note(dataset, resource))
        # The download URL, or the landing page where a conditional dataset says how to apply.
        self.add(ref, DCAT.accessURL, self.web_resource(self.links.data_url(ANONYMOUS, resource, dataset)))
        if resource.kind == Resource.Kind.FILE and ANONYMOUS.can_download(dataset, file_versions(resource)):
            self.add(ref, DCAT.downloadURL, self.web_resource(self.links.download(resource)))
        self._add_file_facts(ref, resource)
        if licence is not None:
            self.add(ref, DCT.license, licence)
        self.add(ref, DCT.issued, Literal(resource.created))
        self.add(ref, DCT.modified, Literal(resource.modified))
        return ref

    def _application_note(self, dataset, resource):
        """The resource's description followed by how to apply for the (conditional) data, in each language."""
        notes = in_both_languages(lambda: access_conditions(self.links, dataset))
        descriptions = (resource.description, resource.description_en)
        return tuple("\n\n".join(text for text in pair if text) for pair in zip(descriptions, notes))

    def _add_file_facts(self, ref, resource):
        """Format, media type, size, checksum and version: what a file resource's current version says."""
        fmt = (resource.format or "").strip().upper()
        if fmt:
            code = vocab.FILE_TYPES.get(fmt)
            if code:
                file_type = self.typed(URIRef(f"{vocab.FILE_TYPE_SCHEME}/{code}"), DCT.MediaTypeOrExtent)
                self.add(file_type, SKOS.inScheme, URIRef(vocab.FILE_TYPE_SCHEME))
            else:  # not in the EU list: the publisher's word, on a node (the shapes refuse a literal)
                file_type = self.typed(node("format", fmt), DCT.MediaTypeOrExtent)
                self.add(file_type, RDFS.label, text(fmt))
            self.add(ref, DCT["format"], file_type)
        media_type = vocab.iana_media_type(resource.media_type)
        if media_type:
            self.add(ref, DCAT.mediaType, self.typed(URIRef(media_type), DCT.MediaType))
        if resource.size is not None:
            self.add(ref, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger))
        if resource.sha256:
            checksum = self.typed(node("checksum", resource.uid, resource.sha256), SPDX.Checksum)
            algorithm = self.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
            self.add(checksum, SPDX.algorithm, algorithm)
            self.add(checksum, SPDX.checksumValue, Literal(resource.sha256, datatype=XSD.hexBinary))
            self.add(ref, SPDX.checksum, checksum)
        if resource.current_version_id:
            self.add(ref, DCAT.version, Literal(str(resource.current_version.number)))


def wkt_polygon(bbox):
    """[min_lon, min_lat, max_lon, max_lat] as a WKT polygon (GeoSPARQL's default CRS84: longitude first)."""
    try:
        west, south, east, north = (repr(float(value)) for value in bbox or ())
    except (TypeError, ValueError):
        return None
    return f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
