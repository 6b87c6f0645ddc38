"""The search contract on SQLite: the database backend's half of test_contract.py, with FTS5 doing the matching.

The suite's database is PostgreSQL, so the contract runs again in a pytest of its own
whose database is a SQLite file (the embedded configuration's engine); the run must
pass every test, including the one proving that FTS5 answered.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

PROOF = "test_the_database_backend_matches_with_its_own_database_engine"


def test_the_contract_holds_on_sqlite_fts5(tmp_path):
    report = tmp_path / "contract.xml"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "TEST_MEDIA_ROOT": str(tmp_path / "media"), "SEARCH_BACKEND": "database"}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/search/test_contract.py", "tests/search/test_contract_analysis.py",
         "tests/search/test_contract_conditions.py", "-q", "-p", "no:cacheprovider",
         "--ds", "portal.settings.test", f"--junitxml={report}"],
        cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    cases = {case.get("name"): {child.tag for child in case} for case in ElementTree.parse(report).iter("testcase")}
    assert not {name for name, tags in cases.items() if tags & {"failure", "error", "skipped"}}
    assert not [name for name in cases if "elasticsearch" in name]
    assert PROOF in cases and "test_browse_lists_published_only[database]" in cases
    assert len(cases) > 100
