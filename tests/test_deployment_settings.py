"""The production settings pass Django's deployment checklist, and the systemd units are valid.

Both run the real tools as an operator would: `manage.py check --deploy` with
portal.settings.production, and `systemd-analyze verify` on deploy/systemd/ (paths pointed
at this checkout, since the units name /opt/portal).
"""
import os
import secrets
import shutil
import subprocess
import sys

import pytest
from server_support import ROOT

pytestmark = pytest.mark.slow

UNITS = ROOT / "deploy" / "systemd"


def check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], check=False, cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
             "ALLOWED_HOSTS": "data.example.gov.cn", **env},
        capture_output=True, text=True)


def test_check_deploy_finds_nothing_in_the_production_settings():
    done = check_deploy(SECRET_KEY=secrets.token_urlsafe(50))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_speaks_up_for_a_weak_secret_key():
    done = check_deploy(SECRET_KEY="short")
    assert done.returncode == 1
    assert "security.W009" in done.stderr


def test_the_systemd_units_verify_cleanly(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for unit in UNITS.glob("portal*"):
        if unit.suffix in (".service", ".target"):
            text = unit.read_text().replace("/opt/portal/.venv", sys.prefix).replace("/opt/portal", str(ROOT))
            text = text.replace("/etc/portal/portal.env", str(UNITS / "portal.env.example"))
            (tmp_path / unit.name).write_text(text)
    # The template as one instance, the way `systemctl enable portal-worker@search` would run it.
    shutil.copy(tmp_path / "portal-worker@.service", tmp_path / "portal-worker@search.service")
    units = sorted(str(path) for path in tmp_path.iterdir() if path.name != "portal-worker@.service")
    assert len(units) == 4
    done = subprocess.run([analyze, "verify", "--man=no", *units], check=False, capture_output=True, text=True,
                          cwd=tmp_path)
    # It reports unknown keys and bad values on stderr without failing: any output is a fault.
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    worker = (UNITS / "portal-worker@.service").read_text()
    assert "--queues %i" in worker and "--concurrency ${PORTAL_WORKER_CONCURRENCY}" in worker
