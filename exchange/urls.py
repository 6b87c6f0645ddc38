"""Exchange routes, outside the translated pages: machine clients do not choose a language by URL.

A dataset's RDF is at /datasets/<identifier>.<extension> beside its page (/datasets/<identifier>/):
these patterns come before the pages', and an identifier never starts with "-" (the
"/datasets/-/..." steps) nor ends with "/" (the page), so they take no page's URL.
"""
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import views
from .ckan import views as ckan
from .dcat import views as dcat
from .dcat.formats import FORMATS
from .sitemaps import SITEMAPS


class DatasetIdentifierConverter:
    """An identifier as in the page URL ("/", ":" and "." allowed), never a "-/..." step."""

    regex = r"[^-/].*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DatasetIdentifierConverter, "dataset_identifier")

urlpatterns = [
    # CKAN's Action API: harvesters call /api/3/action/, ckanapi /api/action/; no redirects either way.
    path("api/3/action/<str:name>", ckan.ActionView.as_view(), name="ckan-action"),
    path("api/action/<str:name>", ckan.ActionView.as_view(), name="ckan-action-unversioned"),
    path("api/3/action/", ckan.ActionView.as_view(), name="ckan-action-missing"),
    path("api/3", ckan.api_version, name="ckan-api-version"),
    path("catalog", dcat.catalog, name="dcat-catalog"),
    *(path(f"catalog.{extension}", dcat.catalog, {"extension": extension}, name=f"dcat-catalog-{extension}")
      for extension in FORMATS),
    *(path(f"datasets/<dataset_identifier:identifier>.{extension}", dcat.dataset, {"extension": extension},
           name=f"dcat-dataset-{extension}")
      for extension in FORMATS),
    path("data.json", views.data_json, name="data-json"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
         name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
