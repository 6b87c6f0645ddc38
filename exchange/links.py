"""The absolute URLs exchange formats give datasets and distributions, and which data URL a reader gets.

Every format (CKAN, DCAT-AP, data.json, schema.org, sitemaps) builds its links here, so the open-grade
rule on data URLs is applied once: a distribution's data URL is given only to a viewer who may download
it (datasets.grading.Viewer.can_download); anyone else gets the dataset's landing page, where a
conditional dataset says how to apply. Links are in the portal's default language (no /en/ prefix).
"""
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from datasets.models import Resource

# What Django's reverse() leaves unquoted in a path (RFC 3986 sub-delimiters and "/~:@").
PATH_SAFE = "/~:@!$&'()*+,;=-._"
_PLACEHOLDER = "__identifier__"


class SiteLinks:
    """Links under one site root (`request.build_absolute_uri("/")`), built without a reverse() per dataset."""

    def __init__(self, root):
        self.root = root.rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            self._dataset_path = reverse("dataset-detail", args=[_PLACEHOLDER])
            self._apply_path = reverse("access-apply", args=[_PLACEHOLDER])
            self._download_path = reverse("resource-download", args=[0]).replace("/0/", "/{}/")

    @classmethod
    def for_request(cls, request):
        return cls(request.build_absolute_uri("/"))

    def absolute(self, path):
        return self.root + path

    def named(self, name, *args):
        with translation.override(settings.LANGUAGE_CODE):
            return self.absolute(reverse(name, args=args))

    def landing_page(self, dataset):
        return self.absolute(self._dataset_path.replace(_PLACEHOLDER, quote(dataset.identifier, safe=PATH_SAFE)))

    def apply_page(self, dataset):
        """Where an enterprise applies for a conditional dataset's data (access)."""
        return self.absolute(self._apply_path.replace(_PLACEHOLDER, quote(dataset.identifier, safe=PATH_SAFE)))

    def download(self, resource):
        """The resource's data itself: the portal's download URL for a file, the publisher's URL for a link."""
        if resource.kind == Resource.Kind.URL:
            return resource.url
        return self.absolute(self._download_path.format(resource.pk))

    def data_url(self, viewer, resource, dataset=None):
        """The download URL when `viewer` may have the data, else the landing page (which says how to apply,
        or that the file is held back for personal data)."""
        dataset = dataset or resource.dataset
        downloadable = viewer.can_download(dataset, file_versions(resource))
        return self.download(resource) if downloadable else self.landing_page(dataset)


def file_versions(resource):
    """The version a resource's data URL serves (none for a link), for the personal-data hold (grading)."""
    return (resource.current_version,) if resource.kind == Resource.Kind.FILE else ()
