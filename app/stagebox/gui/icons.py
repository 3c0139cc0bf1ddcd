"""Icons from ``stagebox.resources/icons`` (PNG sizes rendered by packaging/make_icons.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


@cache
def icon(name: str) -> QIcon:
    """``name`` is the file stem: "stagebox", "tray-running", "device-interface"..."""
    result = QIcon()
    for size in SIZES:
        png = ICON_DIR / f"{size}x{size}" / f"{name}.png"
        if png.exists():
            result.addFile(str(png))
    if result.isNull():
        raise FileNotFoundError(f"no icon {name!r} under {ICON_DIR}")
    return result
