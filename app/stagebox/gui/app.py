"""The composition root of the desktop side: builds the QApplication and wires core objects
to windows. Nothing else in the GUI package creates application-wide state."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from stagebox.gui import texts
from stagebox.gui.texts import t

#: Set by bench/bench_gui_startup.py: print the wall-clock time of the first paint, then quit.
FIRST_PAINT_ENV = "STAGEBOX_BENCH_FIRST_PAINT"


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("stagebox")
    app.setApplicationDisplayName(t(texts.APP_NAME))
    app.setDesktopFileName("stagebox")
    return app


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.6f}", flush=True)
            os._exit(0)  # the bench only needs the moment; skip teardown
        return False


def report_first_paint_if_asked(window: Any) -> None:
    if os.environ.get(FIRST_PAINT_ENV):
        window._first_paint = _FirstPaint(window)
        window.installEventFilter(window._first_paint)
