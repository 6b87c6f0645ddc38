"""Search fixtures: the backends under test, each emptied, and the seed catalog indexed into them.

On PostgreSQL (the suite's database) the contract runs on the database backend and
Elasticsearch; test_sqlite_contract.py runs it again with SQLite (FTS5) as the
database, where Elasticsearch adds nothing, so only the database backend runs there.
"""
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from search.backends import get_search_backend

from sqlite_contract_run import RUN, TEST_NAME, start_contract_run

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


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected
def pytest_collection_modifyitems(config, items):
    """The SQLite contract run needs none of the suite's services: start it now, beside the suite, and check it
    last, when it is long finished.

    Not in a pytest -n worker: every worker collects the whole suite, so each would start a run (all on the
    contract's one Redis database), and the test may be sent to any of them; there the test starts the run
    itself while the other worker goes on with the suite."""
    if hasattr(config, "workerinput"):
        return
    waiting = [item for item in items if item.nodeid.endswith(TEST_NAME)]
    if waiting and len(items) > len(waiting):
        items[:] = [item for item in items if item not in waiting] + waiting
        config.stash[RUN] = start_contract_run(Path(config.rootpath))


def pytest_sessionfinish(session):
    """A run cut short (-x, Ctrl-C) does not leave the contract's pytest behind."""
    run = session.config.stash.get(RUN, None)
    if run is not None and run.process.poll() is None:
        run.process.kill()
