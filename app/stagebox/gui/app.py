"""The composition root of the desktop side: builds the QApplication and wires core objects
to windows. Nothing else in the GUI package creates application-wide state."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from stagebox.gui import texts
from stagebox.gui.texts import t

log = logging.getLogger(__name__)

#: Set by bench/bench_gui_startup.py: print the wall-clock time of the first paint, then quit.
FIRST_PAINT_ENV = "STAGEBOX_BENCH_FIRST_PAINT"


#: Qt warnings that say nothing to a user (the offscreen platform cannot resize to hints).
HARMLESS_QT_MESSAGES = ("does not support propagateSizeHints",)


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    """Qt's own messages go to Python logging; harmless platform notes only at debug."""
    quiet = kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg)
    if quiet or any(note in message for note in HARMLESS_QT_MESSAGES):
        log.debug("Qt: %s", message)
    else:
        log.warning("Qt: %s", message)


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    qInstallMessageHandler(_qt_message)
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


def on_termination(parent: QObject, callback: Callable[[], None]) -> None:
    """Run ``callback`` on SIGTERM/SIGINT/SIGHUP (logout, ``kill``, Ctrl+C) inside the Qt
    loop, so a supervised jackd is stopped instead of being left behind.

    Python runs signal handlers only between bytecodes, and Qt's loop sits in C: the signal
    number is written to a pipe (``signal.set_wakeup_fd``) that a QSocketNotifier watches.
    """
    import signal

    from PySide6.QtCore import QSocketNotifier

    reader, writer = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(writer)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_args: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader, QSocketNotifier.Type.Read, parent)

    def readable() -> None:
        try:
            os.read(reader, 64)
        except BlockingIOError:
            return
        callback()

    notifier.activated.connect(readable)
    parent._termination = (reader, writer, notifier)  # type: ignore[attr-defined]
