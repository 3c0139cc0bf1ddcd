"""``stagebox wizard --screenshots DIR``: one non-empty PNG per page and of the tray."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.conftest import ROOTS

EXPECTED = [
    "1-detect.png",
    "2-fix.png",
    "3-jack-settings.png",
    "4-test.png",
    "5-tray-menu.png",
    "6-tray-window.png",
]


def not_blank(image: QImage) -> bool:
    """More than a handful of colours: text and widgets were really drawn."""
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    return len(colours) > 8


def test_screenshots_one_png_per_page(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "shots"
    done = run_cli("wizard", "--screenshots", str(out), "--root", str(ROOTS / "us122l-ich5"))
    assert done.code == 0, done.err
    assert sorted(p.name for p in out.iterdir()) == EXPECTED
    assert done.out.split() == [str(out / name) for name in EXPECTED]
    for name in EXPECTED:
        image = QImage(str(out / name))
        assert not image.isNull() and not_blank(image), name
    page = QImage(str(out / "1-detect.png"))
    assert (page.width(), page.height()) == (800, 600)


def test_screenshots_at_double_scale(tmp_path: Path) -> None:
    out = tmp_path / "hidpi"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagebox",
            "wizard",
            "--screenshots",
            str(out),
            "--root",
            str(ROOTS / "scarlett-18i20-xhci"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    page = QImage(str(out / "3-jack-settings.png"))
    assert (page.width(), page.height()) == (1600, 1200) and not_blank(page)


def test_screenshots_into_an_unwritable_place_is_one_clear_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run_cli(
        "wizard", "--screenshots", str(blocker / "sub"), "--root", str(ROOTS / "onboard-only")
    )
    assert done.code == 1
    assert done.err.startswith("stagebox: cannot create") and "Traceback" not in done.err
