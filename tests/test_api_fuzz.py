"""Schemathesis over the OpenAPI schema against a live server: no failure of any check.

Bounded for CI (under 3 minutes in all on two cores): a fixed seed, a few examples per
operation (tests/schemathesis.toml), anonymously and with an enterprise key on an unlimited
plan. The coverage phase (boundary and invalid values of every parameter, repeated
parameters) is the slow one and runs once, anonymously; the key's run generates examples. The checks are those of a
contract a client generator can trust: no server error, documented status codes and
content types, response headers and bodies as the schema says.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
SEED = 20261201
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance")


def schemathesis(base, directory, *arguments):
    """The CLI's exit status and output (its summary names every failure); its cache goes to `directory`."""
    command = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(HERE / "schemathesis.toml"),
               "run", f"{base}/api/schema/", "--checks", ",".join(CHECKS), "--seed", str(SEED),
               "--no-color", "--request-timeout", "60", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=directory)
    return done.returncode, done.stdout + done.stderr


def figures(output):
    """(operations tested, test cases generated, failures) from the run's summary."""
    tested = int(re.search(r"Tested: (\d+)", output).group(1))
    cases = re.search(r"(\d+) generated(?:, (\d+) found (\d+) unique failures)?", output)
    return tested, int(cases.group(1)), int(cases.group(3) or 0)


@pytest.mark.parametrize("caller, phases", [
    ("anonymous", "examples,coverage,fuzzing"),
    ("enterprise key", "examples,fuzzing"),
])
def test_schemathesis_finds_no_failure(fuzz_server, caller, phases, tmp_path):  # noqa: F811
    base, seeded, log_path = fuzz_server
    headers = ["-H", f"Authorization: Api-Key {seeded['token']}"] if caller == "enterprise key" else []
    status, output = schemathesis(base, tmp_path, "--phases", phases, *headers)
    operations, cases, failures = figures(output)
    print(f"schemathesis {caller}: {operations} operations, {cases} test cases, {failures} failures")
    assert operations >= 60 and cases > operations, output
    assert status == 0 and failures == 0, output[-20000:] + log_path.read_text()[-5000:]
