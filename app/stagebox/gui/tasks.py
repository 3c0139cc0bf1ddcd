"""Run slow core calls (detection, jackd start, pkexec) off the UI thread.

``run_task(fn, on_done, on_error)`` queues ``fn`` on the global QThreadPool; the result or
the exception comes back as a queued signal, so the slots run on the UI thread.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

_alive: set[_Task] = set()  # keep tasks (and their signal objects) alive until they report


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # reported to the UI, which shows it in plain words
            log.debug("background task failed", exc_info=True)
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(value)


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    task = _Task(fn)
    _alive.add(task)

    def finish(slot: Callable[[Any], None] | None, value: Any) -> None:
        # Drop the task only after this emission has returned: freeing the signals object
        # inside its own signal's slot deletes the sender under Qt's feet (a crash).
        QTimer.singleShot(0, lambda: _alive.discard(task))
        if slot is not None:
            slot(value)
        # Collect cyclic garbage here, on the UI thread. Left for later, the collector may
        # run in a worker thread (any thread that allocates), and a Qt object freed there is
        # handed to shiboken's deferred deletion, which crashed (SIGSEGV in
        # BindingManager::runDeletionInMainThread, PySide6 6.12, seen in a core dump).
        QTimer.singleShot(0, gc.collect)

    task.signals.done.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda exc: finish(on_error, exc))
    QThreadPool.globalInstance().start(task)
