"""Fixtures of the exchange format tests: the site's host allowed, and the formats' catalog (catalog_formats_support)."""
import pytest
from catalog_formats_support import HOST, make_catalog


@pytest.fixture(autouse=True)
def site_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


@pytest.fixture
def catalog(make_dataset, publisher, other_publisher, eco_bureau):
    return make_catalog(make_dataset, publisher, other_publisher, eco_bureau)
