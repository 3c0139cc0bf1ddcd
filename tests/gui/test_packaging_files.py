"""Launcher, autostart template, AppStream metainfo and icons: valid for the real tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
ICONS = REPO / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


@pytest.mark.parametrize("name", ["stagebox.desktop", "stagebox-tray.desktop"])
def test_desktop_files_validate(name: str) -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(PACKAGING / name)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower()


def test_desktop_validator_really_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.desktop"
    bad.write_text((PACKAGING / "stagebox.desktop").read_text() + "BogusKey=1\n")
    done = subprocess.run(["desktop-file-validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 1


def test_launcher_and_autostart_run_the_right_commands() -> None:
    launcher = (PACKAGING / "stagebox.desktop").read_text()
    tray = (PACKAGING / "stagebox-tray.desktop").read_text()
    assert "\nExec=stagebox-gui\n" in launcher and "\nIcon=stagebox\n" in launcher
    assert "\nExec=stagebox tray\n" in tray
    assert "X-GNOME-Autostart-enabled=true" in tray


def test_metainfo_validates_offline() -> None:
    metainfo = PACKAGING / "io.github.stagebox.Stagebox.metainfo.xml"
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = metainfo.read_text()
    for needle in (
        "<id>io.github.stagebox.Stagebox</id>",
        "<metadata_license>CC0-1.0</metadata_license>",
        "<project_license>GPL-3.0-or-later</project_license>",
        '<launchable type="desktop-id">stagebox.desktop</launchable>',
    ):
        assert needle in text


def test_every_svg_has_a_png_per_size_rendered_from_it(tmp_path: Path) -> None:
    svgs = sorted(ICONS.glob("*.svg"))
    names = {s.stem for s in svgs}
    assert {
        "stagebox",
        "tray-stopped",
        "tray-starting",
        "tray-running",
        "tray-xruns",
        "tray-failed",
    } <= names
    for svg in svgs:
        for size in SIZES:
            assert (ICONS / f"{size}x{size}" / f"{svg.stem}.png").stat().st_size > 0
    # The checked-in PNGs are what packaging/make_icons.py renders now (same pixel size).
    script = (
        "import sys; sys.path.insert(0, 'packaging'); from pathlib import Path; "
        "import make_icons; "
        f"print(len(make_icons.render_all(Path({str(tmp_path)!r}), (16, 48))))"
    )
    for svg in svgs:
        (tmp_path / svg.name).write_bytes(svg.read_bytes())
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) == 2 * len(svgs)
    from PySide6.QtGui import QImage

    for svg in svgs:
        fresh = QImage(str(tmp_path / "48x48" / f"{svg.stem}.png"))
        stored = QImage(str(ICONS / "48x48" / f"{svg.stem}.png"))
        assert fresh.size() == stored.size() and not fresh.isNull()
        assert fresh == stored, f"{svg.name}: rerun packaging/make_icons.py"
