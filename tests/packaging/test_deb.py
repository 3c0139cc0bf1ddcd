"""The Debian package: it builds offline, installs every piece where the system looks for
it, declares the right dependencies, passes lintian without errors, and the installed program
runs on Debian's own Python libraries and finds its knowledge base."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO, SYSTEM_PATH

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-buildpackage", path=SYSTEM_PATH) is None,
    reason="dpkg-buildpackage missing: run ./setup.sh --test",
)


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


def _contents(deb: Path) -> dict[str, tuple[str, str]]:
    """path -> (mode string, owner/group) for every file in the package."""
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    files = {}
    for line in listing.splitlines():
        mode, owner, _size, _date, _time, path = line.split(None, 5)
        files[path.removeprefix(".")] = (mode, owner)
    return files


def _field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout


def test_package_installs_every_piece_where_the_system_looks(deb: Path) -> None:
    files = _contents(deb)
    helper = files["/usr/libexec/stagebox/stagebox-ehci-helper"]
    assert helper == ("-rwxr-xr-x", "root/root")  # root-owned, not writable by others
    for path in (
        "/usr/bin/stagebox",
        "/usr/bin/stagebox-gui",
        "/usr/share/polkit-1/actions/org.stagebox.ehci.policy",
        "/usr/share/applications/stagebox.desktop",
        "/usr/share/stagebox/autostart/stagebox-tray.desktop",
        "/usr/share/metainfo/io.github.stagebox.Stagebox.metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/stagebox.svg",
        "/usr/share/icons/hicolor/48x48/apps/stagebox.png",
        "/usr/share/man/man1/stagebox.1.gz",
        "/usr/lib/python3/dist-packages/stagebox/resources/devices.toml",
        "/usr/lib/python3/dist-packages/stagebox/core/detect.py",
    ):
        assert path in files, f"{path} is not in the package"


def test_package_declares_debian_dependencies(deb: Path) -> None:
    depends = _field(deb, "Depends")
    for package in (
        "python3-alsaaudio",
        "python3-pyudev",
        "python3-jack-client",
        "python3-platformdirs",
        "python3-jeepney",
        "jackd2 | jackd",
        "libasound2-plugins",
        "pkexec",
    ):
        assert package in depends
    # PySide6 is packaged from Debian 13 on: recommended, so the CLI installs on Debian 12 too.
    assert "python3-pyside6.qtwidgets" in _field(deb, "Recommends")


def test_package_passes_lintian_without_errors(deb: Path) -> None:
    if shutil.which("lintian") is None:
        pytest.skip("lintian missing: run ./setup.sh --test")
    result = subprocess.run(
        ["lintian", "--tag-display-limit", "0", str(deb)], capture_output=True, text=True
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], result.stdout


def test_packaged_helper_and_policy_are_the_reviewed_ones(unpacked: Path) -> None:
    packaged = unpacked / "usr/libexec/stagebox/stagebox-ehci-helper"
    assert packaged.read_bytes() == (REPO / "polkit/stagebox-ehci-helper").read_bytes()
    policy = (unpacked / "usr/share/polkit-1/actions/org.stagebox.ehci.policy").read_text()
    assert "/usr/libexec/stagebox/stagebox-ehci-helper" in policy


def test_installed_program_runs_on_debians_python_libraries(unpacked: Path) -> None:
    """The unpacked package with /usr/bin/python3 and Debian's python3-* modules only."""
    env = {
        "PATH": SYSTEM_PATH,
        "HOME": str(unpacked / "home"),
        "PYTHONPATH": str(unpacked / "usr/lib/python3/dist-packages"),
        "LANG": "C.UTF-8",
    }
    fake = REPO / "tests/fixtures/roots/us122l-ich5"
    result = subprocess.run(
        [
            "/usr/bin/python3",
            str(unpacked / "usr/bin/stagebox"),
            "detect",
            "--json",
            "--root",
            str(fake),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    us122l = next(c for c in data["cards"] if c["id"] == "US122L")
    assert us122l["access"] == "usb_stream"
    assert os.path.exists(unpacked / "usr/share/doc/stagebox/copyright")
