"""The real catalogs of ../shared/data/catalogs (see its README), for the tests that read them."""
import gzip
import json

from django.conf import settings

CATALOGS = settings.BASE_DIR.parent / "shared" / "data" / "catalogs"


def read_catalog(name):
    """The whole document of a catalog file (gzipped JSON)."""
    return json.loads(gzip.decompress((CATALOGS / name).read_bytes()))


def catalog_excerpt(name, count):
    """The catalog with only its first `count` records (data.json keeps its envelope)."""
    document = read_catalog(name)
    if isinstance(document, dict):
        return {**document, "dataset": document["dataset"][:count]}
    return document[:count]
