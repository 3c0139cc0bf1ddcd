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
    _stopping: bool = False

    @property
    def running(self) -> bool:
        return self.state in (TrayState.RUNNING, TrayState.XRUNS)

    def start_requested(self, device: str | None) -> None:
        self.state = TrayState.STARTING
        self.device = device
        self.xruns = 0
        self.message = None
        self._stopping = False

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

    def server_gone(self, reason: str) -> None:
        """The JACK server went away (shutdown callback). Expected after our own stop."""
        if self._stopping or self.state is TrayState.STOPPED:
            self.stopped(self.message)
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
