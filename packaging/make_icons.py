"""Render every SVG in resources/icons/ to PNGs (16..256 px) with Qt's own SVG renderer.

Run after changing an SVG:  .venv/bin/python packaging/make_icons.py
The PNGs are checked in (resources/icons/<size>x<size>/<name>.png) so that installs and the
tray never need an SVG renderer at run time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def render_all(icons: Path = ICONS, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    written = []
    for svg in sorted(icons.glob("*.svg")):
        renderer = QSvgRenderer(str(svg))
        if not renderer.isValid():
            raise SystemExit(f"{svg}: Qt cannot read this SVG")
        for size in sizes:
            image = QImage(size, size, QImage.Format.Format_ARGB32)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter)
            painter.end()
            out = icons / f"{size}x{size}" / f"{svg.stem}.png"
            out.parent.mkdir(exist_ok=True)
            if not image.save(str(out)):
                raise SystemExit(f"could not write {out}")
            written.append(out)
    return written


if __name__ == "__main__":
    files = render_all()
    print(f"wrote {len(files)} PNGs under {ICONS}")
