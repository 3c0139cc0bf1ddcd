"""`pip install .` (not editable) gives a program that finds its knowledge base and icons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.packaging.conftest import REPO


def test_pip_install_of_the_tree_carries_its_resources(tmp_path: Path) -> None:
    target = tmp_path / "site"
    # --no-build-isolation: build with this venv's setuptools, no download needed
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    resources = target / "stagebox" / "resources"
    assert (resources / "devices.toml").is_file() and (resources / "findings.toml").is_file()
    assert (resources / "icons" / "stagebox.svg").is_file()
    assert not (resources / "icons").is_symlink()  # real files, not a link into the checkout

    env = {**os.environ, "PYTHONPATH": str(target), "HOME": str(tmp_path)}
    detect = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagebox",
            "detect",
            "--json",
            "--root",
            str(REPO / "tests/fixtures/roots/scarlett-18i20-xhci"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert detect.returncode == 0, detect.stderr
    cards = {c["id"]: c for c in json.loads(detect.stdout)["cards"]}
    assert cards["USB"]["kind"] == "interface" and cards["USB"]["jack_device"] == "hw:USB"
    imported = subprocess.run(
        [sys.executable, "-c", "import stagebox, sys; print(stagebox.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert imported.stdout.startswith(str(target))  # the installed copy ran, not the checkout
