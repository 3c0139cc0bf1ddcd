"""`apt-get install ./stagebox.deb` for real, in a throw-away Debian 12 root.

debootstrap builds a minimal bookworm tree (≈50 s, packages cached between runs), apt
installs the package there with its declared dependencies from Debian, and the installed
`stagebox` runs on a fake machine copied into that root. Then the package is removed again.
Needs root (chroot) and Debian's package mirror, which this project's machines reach.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO, SYSTEM_PATH

CACHE = Path("/var/cache/stagebox-tests/debootstrap")
MIRROR = "http://deb.debian.org/debian"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="chroot needs root (CI runs as root)"),
    pytest.mark.skipif(
        shutil.which("debootstrap", path=SYSTEM_PATH) is None,
        reason="debootstrap missing: run ./setup.sh --test",
    ),
]


def _chroot(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": SYSTEM_PATH,
        "LANG": "C.UTF-8",
        "HOME": "/root",
        "DEBIAN_FRONTEND": "noninteractive",
    }
    return subprocess.run(
        ["chroot", str(root), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def throwaway_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("debian12")
    CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["debootstrap", "--variant=minbase", f"--cache-dir={CACHE}", "bookworm", str(root), MIRROR],
        capture_output=True,
        text=True,
        env={"PATH": SYSTEM_PATH},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # No service may start inside the throw-away root.
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    return root


def test_apt_installs_the_package_with_its_dependencies_and_it_runs(
    deb: Path, throwaway_root: Path
) -> None:
    root = throwaway_root
    shutil.copy(deb, root / "tmp" / deb.name)
    install = _chroot(
        root,
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        f"/tmp/{deb.name}",
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-4000:] + install.stderr[-2000:]

    helper = root / "usr/libexec/stagebox/stagebox-ehci-helper"
    assert helper.stat().st_uid == 0 and helper.stat().st_mode & 0o777 == 0o755

    shutil.copytree(REPO / "tests/fixtures/roots/us122l-ich5", root / "tmp/machine", symlinks=True)
    detect = _chroot(root, "stagebox", "detect", "--json", "--root", "/tmp/machine")
    assert detect.returncode == 0, detect.stderr
    cards = {c["id"]: c for c in json.loads(detect.stdout)["cards"]}
    assert cards["US122L"]["access"] == "usb_stream"

    helper_run = _chroot(
        root, "/usr/libexec/stagebox/stagebox-ehci-helper", "unbind-ehci", "../../etc/passwd"
    )
    assert helper_run.returncode != 0  # the installed helper refuses a path

    remove = _chroot(root, "apt-get", "remove", "-y", "-q", "stagebox")
    assert remove.returncode == 0, remove.stderr
    assert not (root / "usr/bin/stagebox").exists()
