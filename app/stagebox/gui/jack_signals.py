"""JACK events (xrun, server gone) as Qt signals: libjack calls back on its own threads, and
the queued signals deliver the events to slots on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from stagebox.core.jack_watch import JackWatch


class JackSignals(QObject):
    xrun = Signal()
    server_gone = Signal(str)

    def watch(self, server_name: str | None) -> JackWatch:
        """A (not yet started) watch whose callbacks emit this object's signals."""
        return JackWatch(server_name, self.xrun.emit, self.server_gone.emit)
