"""Search fixtures: the backends under test, each emptied, and the seed catalog indexed into them.

On PostgreSQL (the suite's database) the contract runs on the database backend and
Elasticsearch; test_sqlite_contract.py runs it again with SQLite (FTS5) as the
database, where Elasticsearch adds nothing, so only the database backend runs there.
"""
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from search.backends import get_search_backend

ON_SQLITE = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
BACKENDS = ["database"] if ON_SQLITE else ["database", "elasticsearch"]


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    """The configured search backend, emptied; the contract suite runs once per backend."""
    settings.SEARCH_BACKEND = request.param
    engine = get_search_backend()
    engine.reset()
    return engine


@pytest.fixture
def es_backend(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_search_backend()
    engine.reset()
    return engine


@pytest.fixture
def corpus(make_seed_catalog):
    """The seed catalog by identifier, indexed by a rebuild with the configured backend."""
    catalog = make_seed_catalog()
    call_command("rebuild_search_index", "--no-progress")
    return catalog
