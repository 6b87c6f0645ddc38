"""The search contract on SQLite: the database backend's half of test_contract.py, with FTS5 doing the matching.

The suite's database is PostgreSQL, so the contract runs again in a pytest of its own
whose database is a SQLite file (the embedded configuration's engine); the run must
pass every test, including the one proving that FTS5 answered. It runs beside the
suite (sqlite_contract_run.py); this test, the last of the run, waits for it. Under pytest -n the test
starts the run itself (tests/search/conftest.py).
"""
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from sqlite_contract_run import RUN, start_contract_run

pytestmark = pytest.mark.slow

PROOF = "test_the_database_backend_matches_with_its_own_database_engine"
TIMEOUT = 900


@pytest.fixture
def contract_run(request):
    run = request.config.stash.get(RUN, None)
    if run is None:  # this test alone was collected: nothing started the run
        run = start_contract_run(Path(request.config.rootpath))
    yield run
    if run.process.poll() is None:
        run.process.kill()
    shutil.rmtree(run.directory, ignore_errors=True)


def test_the_contract_holds_on_sqlite_fts5(contract_run):
    returncode = contract_run.process.wait(timeout=TIMEOUT)
    assert returncode == 0, contract_run.output[-9000:]
    cases = {case.get("name"): {child.tag for child in case}
             for case in ElementTree.parse(contract_run.report).iter("testcase")}
    assert not {name for name, tags in cases.items() if tags & {"failure", "error", "skipped"}}
    assert not [name for name in cases if "elasticsearch" in name]
    assert PROOF in cases and "test_browse_lists_published_only[database]" in cases
    assert len(cases) > 100
