"""Search UI fixtures: a backend switched by settings and the seed catalog indexed by the real
signal -> task -> backend path (the on-commit callbacks of its creation, run as a request would)."""
import pytest

from search.backends import get_search_backend
from search_ui_support import INDEX_PREFIX


def _emptied(settings, name):
    settings.SEARCH_BACKEND = name
    settings.SEARCH_INDEX_PREFIX = INDEX_PREFIX
    backend = get_search_backend()
    backend.reset()
    return backend


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    """Each test runs once per backend, on its own index names, starting empty."""
    return _emptied(settings, request.param)


@pytest.fixture
def es_engine(settings):
    return _emptied(settings, "elasticsearch")


@pytest.fixture
def db_engine(settings):
    return _emptied(settings, "database")


def _indexed_seed(make_seed_catalog, capture):
    with capture(execute=True):
        return make_seed_catalog()


@pytest.fixture
def catalog(engine, make_seed_catalog, django_capture_on_commit_callbacks):
    return _indexed_seed(make_seed_catalog, django_capture_on_commit_callbacks)


@pytest.fixture
def es_catalog(es_engine, make_seed_catalog, django_capture_on_commit_callbacks):
    return _indexed_seed(make_seed_catalog, django_capture_on_commit_callbacks)


@pytest.fixture
def db_catalog(db_engine, make_seed_catalog, django_capture_on_commit_callbacks):
    """For what does not depend on the engine (the statistics): the database backend is enough."""
    return _indexed_seed(make_seed_catalog, django_capture_on_commit_callbacks)
