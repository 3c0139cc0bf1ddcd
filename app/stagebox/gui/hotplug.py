"""Hotplug in the Qt event loop: a QSocketNotifier on the udev monitor's descriptor (no
polling), events collected until udev has been quiet for a moment (a single-shot timer that
only runs after an event), then one ``settled`` signal with the batch."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from stagebox.core.hotplug import EventBatch, SoundEvent

QUIET_MS = 1500  # udev sends card, pcm, control... events over about a second per device


class EventSource(Protocol):
    def fileno(self) -> int: ...

    def read_events(self) -> list[SoundEvent]: ...


class HotplugWatcher(QObject):
    settled = Signal(object)  # an EventBatch with at least one card-level event

    def __init__(self, source: EventSource, quiet_ms: int = QUIET_MS) -> None:
        super().__init__()
        self.source = source
        self.batch = EventBatch()
        self.notifier = QSocketNotifier(source.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._readable)
        self.quiet = QTimer(self)
        self.quiet.setSingleShot(True)
        self.quiet.setInterval(quiet_ms)
        self.quiet.timeout.connect(self._settle)

    def _readable(self, *_args: object) -> None:
        relevant = [e for e in self.source.read_events() if self.batch.add(e)]
        if relevant:
            self.quiet.start()  # (re)start: wait until udev is quiet

    def _settle(self) -> None:
        batch, self.batch = self.batch, EventBatch()
        if not batch.empty:
            self.settled.emit(batch)
