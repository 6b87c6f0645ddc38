"""robots.txt: where the sitemap is, and the paths no crawler needs."""
from django.conf import settings
from django.urls import reverse
from django.utils import translation

# Under each language's root: sign-in, keys, applications, enterprises' and publishers' own pages,
# staff tools, and data previews (a dataset's page is its entry).
PRIVATE_PAGES = ("accounts/", "keys/", "access/", "enterprises/", "contributions/", "datasets/-/", "resources/",
                 "search/insights/", "search/synonyms/")
# Outside the languages: the admin, the APIs (their clients know them), language switching, the data files.
PRIVATE_PATHS = ("/admin/", "/api/", "/i18n/", "/download/")


def robots_txt(links):
    roots = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            roots.append(reverse("home"))  # "/" or "/en/"
    disallowed = [*PRIVATE_PATHS, *(root + page for root in roots for page in PRIVATE_PAGES)]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "",
             f"Sitemap: {links.named('sitemap')}", ""]
    return "\n".join(lines)
