"""The public catalog as DCAT-AP documents: a page of the catalog (Hydra-paged) or one dataset.

Paging follows what harvesters read (CKAN's DCAT harvester, udata): the page is both a
hydra:PartialCollectionView (first/last/next/previous) and a hydra:PagedCollection with the
deprecated firstPage/lastPage/nextPage/previousPage and itemsPerPage, each with totalItems.
"""
from django.utils.translation import gettext as _
from rdflib import XSD, Literal, URIRef

from core.site import OPERATOR_NAME, PORTAL_NAME

from . import vocabularies as vocab
from .graph import CHINESE, ENGLISH, DcatGraph, in_both_languages, node
from .vocabularies import DCAT, DCT, FOAF, HYDRA, SKOS


def catalog_graph(links, page, page_url, modified=None):
    """The graph of one catalog page: the catalog, its page of datasets and the paging.

    `page` is a selectors.CatalogPage, `page_url(number)` the absolute URL of a page of this
    document, `modified` when the listed catalog last changed.
    """
    builder = DcatGraph(links)
    catalog = add_catalog(builder, modified)
    for dataset in page.datasets:
        builder.add(catalog, DCAT.dataset, builder.add_dataset(dataset))
    add_paging(builder, page, page_url)
    return builder.graph


def dataset_graph(links, dataset):
    builder = DcatGraph(links)
    builder.add_dataset(dataset)
    return builder.graph


def add_catalog(builder, modified):
    links = builder.links
    ref = builder.typed(URIRef(links.named("dcat-catalog")), DCAT.Catalog)
    builder.texts(ref, DCT.title, *in_both_languages(lambda: str(PORTAL_NAME)))
    builder.texts(ref, DCT.description, *in_both_languages(
        lambda: _("城市公共数据开放平台的公共数据目录：各政府部门发布的无条件开放和有条件开放数据集。")))
    publisher = builder.typed(node("catalog-publisher"), FOAF.Agent)
    builder.texts(publisher, FOAF.name, *in_both_languages(lambda: str(OPERATOR_NAME)))
    builder.add(ref, DCT.publisher, publisher)
    builder.add(ref, FOAF.homepage, builder.document(links.absolute("/")))
    for language in (CHINESE, ENGLISH):
        builder.add(ref, DCT.language, builder.language(language))
    eu_themes = builder.typed(URIRef(vocab.DATA_THEME_SCHEME), SKOS.ConceptScheme)
    builder.add(eu_themes, DCT.title, Literal("Data theme", lang=ENGLISH))
    own_themes = builder.typed(URIRef(links.named("theme-list")), SKOS.ConceptScheme)
    builder.texts(own_themes, DCT.title, *in_both_languages(lambda: _("主题")))
    for scheme in (eu_themes, own_themes):
        builder.add(ref, DCAT.themeTaxonomy, scheme)
    if modified is not None:
        builder.add(ref, DCT.modified, Literal(modified))
    return ref


def add_paging(builder, page, page_url):
    ref = builder.typed(URIRef(page_url(page.number)), HYDRA.PartialCollectionView, HYDRA.PagedCollection)
    builder.add(ref, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer))
    builder.add(ref, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer))
    links = {"first": 1, "last": page.last}
    if page.number > 1:
        links["previous"] = page.number - 1
    if page.number < page.last:
        links["next"] = page.number + 1
    for name, number in links.items():
        target = URIRef(page_url(number))
        builder.add(ref, HYDRA[name], target)
        builder.add(ref, HYDRA[f"{name}Page"], target)
    return ref

