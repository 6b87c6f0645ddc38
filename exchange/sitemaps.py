"""The sitemaps (django.contrib.sitemaps): the portal's lists, themes, organizations and public datasets.

Every page is listed in both languages, each entry with its hreflang alternates. Only the public
catalog's datasets (exchange.catalog) and the organizations publishing them are listed, whoever asks.
The dataset section is paged (URLS_PER_PAGE) and read a page at a time: Django's i18n sitemap would
list every (dataset, language) pair in memory to page them, so LanguagePairs pages them in the database.
"""
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import get_language

from datasets.models import Theme
from organizations.selectors import listed_organizations
from sitepages.models import SitePage

from .catalog import public_dataset_ids, public_datasets
from .links import PATH_SAFE

URLS_PER_PAGE = 10_000
LIST_PAGES = ("home", "dataset-list", "organization-list", "theme-list")
_PLACEHOLDER = "__identifier__"


class LanguagePairs:
    """(item, language) for every item of a queryset and language, sliced in the database."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, list(languages)

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        """Slices only (what the paginator asks): the items covering them, then the pairs."""
        width = len(self.languages)
        start, stop = index.start or 0, index.stop
        first = start // width
        items = self.queryset[first:-(-stop // width)]
        pairs = [(item, language) for item in items for language in self.languages]
        return pairs[start - first * width:stop - first * width]


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(PortalSitemap):
    """The lists and the footer's pages."""

    def items(self):
        return [(name, ()) for name in LIST_PAGES] + [
            ("site-page", (slug,)) for slug in SitePage.objects.order_by("slug").values_list("slug", flat=True)]

    def location(self, item):
        name, args = item
        return reverse(name, args=args)


class ThemeSitemap(PortalSitemap):
    def items(self):
        return Theme.objects.order_by("position", "code").only("code")

    def location(self, theme):
        return reverse("theme-detail", args=[theme.code])


class OrganizationSitemap(PortalSitemap):
    """Organizations with datasets in the public catalog; lastmod is their latest public dataset's."""

    def items(self):
        return (listed_organizations().filter(datasets__in=public_dataset_ids())
                .annotate(last_modified=Max("datasets__modified")).only("slug").order_by("slug"))

    def location(self, organization):
        return reverse("organization-detail", args=[organization.slug])

    def lastmod(self, organization):
        return organization.last_modified

    def get_latest_lastmod(self):
        return public_datasets().aggregate(latest=Max("modified"))["latest"]


class DatasetSitemap(PortalSitemap):
    limit = URLS_PER_PAGE

    def __init__(self):
        self._paths = {}

    def items(self):
        return public_datasets().select_related(None).prefetch_related(None).only(
            "identifier", "modified").order_by("pk")

    def _items(self):
        return LanguagePairs(self.items(), self._languages())

    def location(self, dataset):
        # One reverse() per language, not per dataset (the same quoting as reverse's: exchange.links).
        language = get_language()
        if language not in self._paths:
            self._paths[language] = reverse("dataset-detail", args=[_PLACEHOLDER])
        return self._paths[language].replace(_PLACEHOLDER, quote(dataset.identifier, safe=PATH_SAFE))

    def lastmod(self, dataset):
        return dataset.modified

    def get_latest_lastmod(self):
        return public_datasets().aggregate(latest=Max("modified"))["latest"]


SITEMAPS = {"pages": PageSitemap, "themes": ThemeSitemap, "organizations": OrganizationSitemap,
            "datasets": DatasetSitemap}
