"""The layers contract covers every app of the portal, and the code keeps it and has no import cycle (lint-imports)."""
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [contract["layers"] for contract in config["contracts"] if contract["type"] == "layers"]
    return config["root_packages"], {name.strip() for layer in layers for name in layer.split("|")}


def test_every_app_of_the_portal_has_a_layer():
    root_packages, layered = _contract()
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours <= set(root_packages)
    assert ours <= layered
    assert set(root_packages) == layered


def test_no_import_goes_up_a_layer_or_round_in_a_cycle():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
