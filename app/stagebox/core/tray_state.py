"""The tray's state machine, without Qt: stopped -> starting -> running (-> xruns) and
failed, fed by the JACK controller's results and the JACK client's callbacks.

The tray widget only draws :attr:`TrayModel.state`; every transition lives here so it can be
tested with plain calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from stagebox.core.atomic import atomic_write
from stagebox.core.paths import UserPaths

#: why the tray shows "stopped" when it did not stop JACK itself
STOPPED_ELSEWHERE = "JACK was stopped outside the tray"


class TrayState(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    XRUNS = "xruns"  # running, but audio dropped out at least once since the start
    FAILED = "failed"


@dataclass
class TrayModel:
    state: TrayState = TrayState.STOPPED
    rate: int | None = None
    period: int | None = None
    periods: int | None = None
    latency_ms: float | None = None
    xruns: int = 0
    device: str | None = None
    message: str | None = None  # the last thing worth telling the user, in plain words
    #: who started the running server when it was not the tray: "" (Stagebox: the tray can
    #: stop it) or the kind of server (jackd, jackdbus, pipewire) another program runs
    started_elsewhere: str = ""
    _stopping: bool = False

    @property
    def running(self) -> bool:
        return self.state in (TrayState.RUNNING, TrayState.XRUNS)

    @property
    def expects_end(self) -> bool:
        """The server going away now is no news: the tray stopped (or is stopping) it."""
        return self._stopping or self.state is TrayState.STOPPED

    @property
    def can_stop(self) -> bool:
        """Stagebox stops only servers it started (never QjackCtl's or PipeWire's)."""
        return self.running and not self.started_elsewhere

    def start_requested(self, device: str | None) -> None:
        self.state = TrayState.STARTING
        self.device = device
        self.xruns = 0
        self.message = None
        self.started_elsewhere = ""
        self._stopping = False

    def found_running(
        self,
        *,
        device: str | None,
        rate: int | None,
        period: int | None,
        periods: int | None,
        latency_ms: float | None,
        started_elsewhere: str = "",
    ) -> None:
        """A server the tray did not start is running (`stagebox jack start`, the wizard,
        QjackCtl): show it and follow it, as if the tray had started it."""
        self.start_requested(device)
        self.started(rate=rate, period=period, periods=periods, latency_ms=latency_ms)
        self.started_elsewhere = started_elsewhere

    def started(
        self, *, rate: int | None, period: int | None, periods: int | None, latency_ms: float | None
    ) -> None:
        self.state = TrayState.RUNNING
        self.rate, self.period, self.periods, self.latency_ms = rate, period, periods, latency_ms

    def start_failed(self, message: str) -> None:
        self.state = TrayState.FAILED
        self.message = message

    def xrun(self) -> None:
        if self.running:
            self.xruns += 1
            self.state = TrayState.XRUNS

    def stop_requested(self) -> None:
        self._stopping = True

    def stopped(self, message: str | None = None) -> None:
        self.state = TrayState.STOPPED
        self.message = message
        self._stopping = False

    def server_gone(self, reason: str | None) -> None:
        """The JACK server went away (shutdown callback). Expected after our own stop; a
        ``reason`` of None means it was stopped on request elsewhere (not a failure)."""
        if self.expects_end:
            self.stopped(self.message)
            return
        if reason is None:
            self.stopped(STOPPED_ELSEWHERE)
            return
        self.state = TrayState.FAILED
        self.message = reason


class ActiveProfile:
    """Which saved profile the tray starts: chosen in its menu or by the wizard's Finish,
    kept in ``$XDG_CONFIG_HOME/stagebox/tray.json`` across logins."""

    def __init__(self, paths: UserPaths) -> None:
        self.file = paths.config_dir / "tray.json"

    def get(self) -> str | None:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        name = data.get("active") if isinstance(data, dict) else None
        return name if isinstance(name, str) else None

    def set(self, name: str) -> None:
        atomic_write(self.file, (json.dumps({"active": name}, indent=2) + "\n").encode())
