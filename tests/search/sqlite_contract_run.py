"""The SQLite contract run (test_sqlite_contract.py): a pytest of its own, started in the background.

It needs none of the suite's services, so tests/search/conftest.py starts it as soon as the
suite is collected, with a Redis database, index prefix and queue of its own, and moves the
test that reads its report to the end of the run.
"""
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CONTRACT = ["tests/search/test_contract.py", "tests/search/test_contract_analysis.py",
            "tests/search/test_contract_conditions.py"]
TEST_NAME = "test_sqlite_contract.py::test_the_contract_holds_on_sqlite_fts5"
RUN = pytest.StashKey()
OWN_REDIS_DATABASE = "/15"  # above the pytest -n workers' 10, 11, ... (portal/settings/test.py)


@dataclass
class ContractRun:
    process: subprocess.Popen
    directory: Path

    @property
    def report(self):
        return self.directory / "contract.xml"

    @property
    def output(self):
        return (self.directory / "output.txt").read_text()


def _own_redis(url):
    return urlunsplit(urlsplit(url)._replace(path=OWN_REDIS_DATABASE)) if url else url


def start_contract_run(root):
    """Start the contract's pytest on SQLite; its output goes to a file (a pipe nobody reads would fill)."""
    directory = Path(tempfile.mkdtemp(prefix="portal-sqlite-contract-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
           "TEST_MEDIA_ROOT": str(directory / "media"), "SEARCH_BACKEND": "database",
           "REDIS_URL": _own_redis(os.environ.get("REDIS_URL")),
           "SEARCH_INDEX_PREFIX": "sqlite-contract", "CELERY_TASK_DEFAULT_QUEUE": "sqlite-contract",
           "CELERY_QUEUE_PREFIX": "sqlite-contract"}
    env.pop("APIKEYS_REDIS_URL", None)
    with open(directory / "output.txt", "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *CONTRACT, "-q", "-p", "no:cacheprovider", "--ds", "portal.settings.test",
             f"--junitxml={directory / 'contract.xml'}"],
            cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    return ContractRun(process, directory)
