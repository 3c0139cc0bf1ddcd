"""Start, stop and watch jackd: the process Stagebox owns, and any server it finds.

A server Stagebox starts runs in its own session (it survives the CLI), logs to
``$XDG_STATE_HOME/stagebox/jack/<server>.log`` and is recorded in
``$XDG_RUNTIME_DIR/stagebox/jack-<server>.json`` with its pid, start time and command line.
``stop`` only ever signals a process whose pid, start time and command line still match that
record, so a reused pid or a server someone else started is never killed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stagebox.core.errors import StageboxError
from stagebox.core.jack import client as jack_client
from stagebox.core.jack import system
from stagebox.core.jack.preflight import PreflightIssue, advisories, preflight
from stagebox.core.jack.settings import JackSettings, latency_ms
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

# Start-up speed: what only matters once jackd runs (log reading, the record's JSON, the
# atomic write) is imported inside the functions that need it, so that `stagebox jack start`
# spawns jackd sooner and imports the rest while it starts.
if TYPE_CHECKING:
    from stagebox.core.jack.explain import Explanation
    from stagebox.core.jack.reservation import Reservation
    from stagebox.core.knowledge import KnowledgeBase
    from stagebox.core.model import Card

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0
KILL_TIMEOUT_S = 2.0
BUSY_RETRY_DELAY_S = 1.0

#: Children started by this process, so they are reaped (no zombies) when stopped.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass
class JackStatus:
    state: str  # "running" | "stopped"
    server_name: str
    pid: int | None = None
    rate: int | None = None
    period: int | None = None
    periods: int | None = None
    latency_ms: float | None = None
    xruns: int | None = None  # counted in the log of a server Stagebox started
    dsp_load: float | None = None
    realtime: bool | None = None
    server_kind: str | None = None  # "jackd" | "jackdbus" | "pipewire" | "jack server"
    started_by_stagebox: bool = False
    log_path: str | None = None
    settings: JackSettings | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what Stagebox did on the way, e.g. a hand-over
    message: str | None = None  # what just happened, in plain words
    crashed: bool = False  # jackd ended by itself (not through stop)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def followable(self) -> bool:
        """A JACK server the tray can show and follow. PipeWire's JACK "runs" as long as
        PipeWire does: following it would hide Start, whose pre-flight explains what to do
        about the pipewire-jack library."""
        return self.running and self.server_kind != "pipewire"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["settings"] = self.settings.to_dict() if self.settings else None
        data["argv"] = self.settings.to_argv() if self.settings else None
        return data


@dataclass
class ServerRecord:
    server_name: str
    pid: int
    start_time: int | None
    argv: list[str]
    settings: dict[str, Any]
    log_path: str
    started_at: float
    preset: str = ""
    on_stop: str = ""


class JackStartError(StageboxError):
    """jackd could not be started; ``issues``/``explanations`` say why, each with a fix."""

    def __init__(
        self,
        message: str,
        fix: str | None = None,
        *,
        issues: list[PreflightIssue] | None = None,
        explanations: list[Explanation] | None = None,
        log_path: Path | None = None,
    ) -> None:
        super().__init__(message, fix)
        self.issues = issues or []
        self.explanations = explanations or []
        self.log_path = log_path


@dataclass(frozen=True)
class _StartRequest:
    card: Card | None
    preset: str
    on_start: str
    on_stop: str
    check: bool
    on_ready: Callable[[JackStatus], None] | None
    realtime_fallback: bool


class _StopFlag:
    """SIGTERM/SIGINT set ``requested`` instead of ending the process (foreground mode)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, Any] = {}

    def _handle(self, _signum: int, _frame: object) -> None:
        self.requested = True

    def __enter__(self) -> _StopFlag:
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._old.items():
            signal.signal(sig, handler)


class JackController:
    def __init__(
        self,
        paths: UserPaths,
        *,
        root: SystemRoot | None = None,
        kb: KnowledgeBase | None = None,
        stop_timeout: float = STOP_TIMEOUT_S,
    ) -> None:
        self.paths = paths
        self.root = root or SystemRoot()
        self.kb = kb
        self.stop_timeout = stop_timeout  # how long jackd gets to end after SIGTERM

    # -- where things live ---------------------------------------------------------------
    def record_path(self, server_name: str | None) -> Path:
        return self.paths.runtime_dir / f"jack-{system.effective_server_name(server_name)}.json"

    def log_path(self, server_name: str | None) -> Path:
        return self.paths.state_dir / "jack" / f"{system.effective_server_name(server_name)}.log"

    def record(self, server_name: str | None) -> ServerRecord | None:
        try:
            text = self.record_path(server_name).read_text(encoding="utf-8")
        except OSError:
            return None  # the usual case before a start: no need to load json
        import json

        try:
            return ServerRecord(**json.loads(text))
        except (ValueError, TypeError):
            return None

    def _save_record(self, record: ServerRecord) -> None:
        import json

        from stagebox.core.atomic import atomic_write

        path = self.record_path(record.server_name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, json.dumps(asdict(record), indent=2).encode(), default_mode=0o600)

    def _drop_record(self, server_name: str | None) -> None:
        record = self.record(server_name)
        if record is not None and record.pid in _CHILDREN:
            _CHILDREN.pop(record.pid).poll()  # reap our own child that ended
        with contextlib.suppress(FileNotFoundError):
            self.record_path(server_name).unlink()

    def owned_pid(self, record: ServerRecord) -> int | None:
        """The record's pid when that process is still the jackd Stagebox started."""
        info = system.process_info(self.root, record.pid)
        if info is None:
            return None
        if record.start_time is not None and info.start_time != record.start_time:
            return None  # the pid was reused by another process
        if info.cmdline[1:] != record.argv[1:]:
            return None
        return record.pid

    # -- start ---------------------------------------------------------------------------
    def start(
        self,
        settings: JackSettings,
        *,
        foreground: bool = False,
        card: Card | None = None,
        preset: str = "",
        on_start: str = "",
        on_stop: str = "",
        check: bool = True,
        on_ready: Callable[[JackStatus], None] | None = None,
        realtime_fallback: bool = False,
    ) -> JackStatus:
        """Start jackd and return once a client can connect.

        With ``foreground`` it returns only when jackd has ended (SIGTERM/SIGINT stop it);
        ``on_ready`` is then the way to hear that it is running. ``realtime_fallback``
        starts without realtime (with a warning) when realtime is not allowed.
        """
        request = _StartRequest(card, preset, on_start, on_stop, check, on_ready, realtime_fallback)
        if foreground:  # a stop request during start-up must not be lost
            with _StopFlag() as stop_flag:
                return self._start(settings, request, stop_flag)
        return self._start(settings, request, None)

    def _start(
        self, settings: JackSettings, request: _StartRequest, stop_flag: _StopFlag | None
    ) -> JackStatus:
        running = self._running_record(settings.server_name or None)
        if running is not None:
            return self._already_running(running, settings)
        warnings: list[str] = []
        if request.check:
            settings = self._preflight(settings, request, warnings)
        reservation = self._reserve_cards(settings)
        with reservation or contextlib.nullcontext():
            proc, record, facts = self._spawn_until_ready(
                settings,
                retry_busy=True,
                warnings=warnings if request.check else None,
                extra=(request.preset, request.on_stop),
            )
        from stagebox.core.jack.explain import BLOCKING, explain_log

        log_path = Path(record.log_path)
        self._hook(request.on_start, settings, request.preset, log_path)
        status = self._status_from(record, facts)
        status.warnings = warnings + [
            e.message for e in explain_log(_read(log_path)) if e.severity != BLOCKING
        ]
        status.message = "JACK is running"
        if reservation is not None:
            status.notes += reservation.handovers()
        if request.on_ready is not None:
            request.on_ready(status)
        if stop_flag is not None:
            return self._stay_in_foreground(proc, record, stop_flag)
        return status

    def _preflight(
        self, settings: JackSettings, request: _StartRequest, warnings: list[str]
    ) -> JackSettings:
        """Refuse what cannot work (JackStartError); returns the settings to start with."""
        issues = preflight(settings, self.root, self.paths, card=request.card, kb=self.kb)
        if request.realtime_fallback and any(i.code == "no_realtime_rights" for i in issues):
            settings = settings.with_changes(realtime=False)
            issues = [i for i in issues if i.code != "no_realtime_rights"]
            warnings.append(
                "realtime is not allowed for you, so JACK runs without it (expect "
                "dropouts under load); `stagebox check` shows how to allow it"
            )
        blocking = [i for i in issues if i.blocking]
        if blocking:
            raise JackStartError(
                "JACK was not started: " + "; ".join(i.message for i in blocking),
                "; ".join(dict.fromkeys(i.fix for i in blocking)),
                issues=issues,
            )
        warnings += [i.message for i in issues]
        return settings

    def _reserve_cards(self, settings: JackSettings) -> Reservation | None:
        """Take the settings' cards from PipeWire/PulseAudio for jackd (device reservation),
        so jackd's first open does not race the sound server closing them (jack2#969)."""
        if settings.driver != "alsa":
            return None
        from stagebox.core.jack.preflight import STOP_SOUND_SERVER
        from stagebox.core.jack.reservation import ReservationRefused, reserve_for_jack

        cards = [
            found[1]
            for device in settings.devices()
            if (found := system.card_of_device(device, self.root)) and found[1] is not None
        ]
        try:
            return reserve_for_jack(
                cards, card_free=lambda index: not system.card_holders(self.root, index)
            )
        except ReservationRefused as exc:
            raise JackStartError(
                f"JACK was not started: {exc} (it ranks its use of the card higher than JACK)",
                f"stop it for now: {STOP_SOUND_SERVER}",
            ) from exc

    def _spawn_until_ready(
        self,
        settings: JackSettings,
        *,
        retry_busy: bool,
        warnings: list[str] | None = None,
        extra: tuple[str, str] = ("", ""),
    ) -> tuple[subprocess.Popen[bytes], ServerRecord, jack_client.ServerFacts]:
        """Spawn jackd, record it at once (so a stop during start-up finds it), wait."""
        binary = system.find_jackd(settings.server_path)
        if binary is None:
            raise JackStartError("jackd is not installed", system.INSTALL_HINT)
        if system.registry_full():  # killed servers keep their slots: free those first
            freed = system.reclaim_dead_servers(binary)
            if warnings is not None and freed:
                warnings.append(
                    f"freed the JACK registry slots of killed servers: {', '.join(freed)}"
                )
        argv = [binary, *settings.to_argv()[1:]]
        log_path = self.log_path(settings.server_name)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        socket_before = jack_client.socket_id(settings.server_name or None)
        with open(log_path, "w", encoding="utf-8") as log_file:
            log_file.write("# stagebox: " + " ".join(argv) + "\n")
            log_file.flush()
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # keeps running when the CLI exits or is interrupted
            )
        _CHILDREN[proc.pid] = proc
        record = ServerRecord(
            server_name=system.effective_server_name(settings.server_name or None),
            pid=proc.pid,
            start_time=_start_time(self.root, proc.pid),
            argv=argv,
            settings=settings.to_dict(),
            log_path=str(log_path),
            started_at=time.time(),
            preset=extra[0],
            on_stop=extra[1],
        )
        self._save_record(record)
        if warnings is not None:  # the slower checks run while jackd starts
            jack_client.load_jack()  # needed right after; it also tells which libjack loads
            warnings += [i.message for i in advisories(self.root)]
        try:
            facts = jack_client.wait_until_ready(
                settings.server_name or None, proc, timeout=READY_TIMEOUT_S, before=socket_before
            )
        except BaseException:
            self._terminate(proc.pid, proc)
            self._drop_record(record.server_name)
            raise
        if facts is not None:
            return proc, record, facts
        from stagebox.core.jack.explain import explain_log

        self._drop_record(record.server_name)
        _CHILDREN.pop(proc.pid, None)
        text = _read(log_path)
        explanations = explain_log(text, settings)
        if retry_busy and any(e.code == "device_busy" for e in explanations):
            # jack2 races the sound server's device reservation: one more try, as jack2 does
            time.sleep(BUSY_RETRY_DELAY_S)
            return self._spawn_until_ready(settings, retry_busy=False, extra=extra)
        raise self._start_failed(proc, explanations, log_path, text)

    def _start_failed(
        self,
        proc: subprocess.Popen[bytes],
        explanations: list[Explanation],
        log_path: Path,
        text: str,
    ) -> JackStartError:
        from stagebox.core.jack.explain import BLOCKING

        name = _server_of(proc)
        if not system.server_answers(name):  # never touch the files of a server that runs
            system.remove_stale_shm(name)
        blocking = [e for e in explanations if e.severity == BLOCKING] or explanations
        if blocking:
            first = blocking[0]
            return JackStartError(
                f"JACK did not start: {first.message}",
                first.fix + f" (full log: {log_path})",
                explanations=explanations,
                log_path=log_path,
            )
        last = [ln for ln in text.splitlines() if ln.strip()][-1:] or ["(no output)"]
        return JackStartError(
            f"JACK did not start (jackd exited with {proc.returncode}): {last[0]}",
            f"see the full log: {log_path}",
            log_path=log_path,
        )

    def _already_running(self, record: ServerRecord, wanted: JackSettings) -> JackStatus:
        current = JackSettings.from_dict(record.settings)
        if current == wanted:
            status = self.status(record.server_name)
            status.message = "JACK was already running with these settings"
            return status
        if current.with_changes(period=wanted.period) == wanted:
            return self.set_period(wanted.period, record.server_name)
        raise StageboxError(
            f"JACK server {record.server_name!r} is already running with other settings "
            f"({' '.join(current.to_argv())})",
            "restart it with the new settings: `stagebox jack restart ...`",
        )

    def _stay_in_foreground(
        self, proc: subprocess.Popen[bytes], record: ServerRecord, stop: _StopFlag
    ) -> JackStatus:
        """Wait for jackd; SIGTERM/SIGINT stop it cleanly (the tray's supervised child)."""
        from stagebox.core.jack.explain import BLOCKING, explain_log

        while proc.poll() is None and not stop.requested:
            time.sleep(0.05)
        if proc.poll() is None:
            return self.stop(record.server_name)
        self._drop_record(record.server_name)
        text = _read(Path(record.log_path))
        explanations = [e for e in explain_log(text) if e.severity == BLOCKING]
        status = JackStatus(state="stopped", server_name=record.server_name, crashed=True)
        status.message = f"jackd ended (exit {proc.returncode})" + (
            f": {explanations[0].message}" if explanations else ""
        )
        return status

    # -- stop ----------------------------------------------------------------------------
    def stop(self, server_name: str | None = None) -> JackStatus:
        """Stop the server Stagebox started (SIGTERM, then SIGKILL); never anyone else's."""
        from stagebox.core.jack.explain import count_xruns

        name = system.effective_server_name(server_name)
        record = self.record(name)
        if record is None or self.owned_pid(record) is None:
            if record is not None:
                self._drop_record(name)  # it ended (or the pid now belongs to another process)
            if system.server_answers(name):
                kind, pid = self._identify(name, None)
                raise StageboxError(
                    f"the JACK server {name!r} ({kind}{f', pid {pid}' if pid else ''}) was not "
                    "started by Stagebox, so Stagebox does not stop it",
                    _stop_hint(kind),
                )
            return JackStatus(state="stopped", server_name=name, message="JACK was not running")
        settings = JackSettings.from_dict(record.settings)
        killed = self._terminate(record.pid, _CHILDREN.pop(record.pid, None))
        if killed:  # a killed jackd keeps its files and its slot in jack2's registry
            system.remove_stale_shm(name)
            binary = system.find_jackd(settings.server_path)
            if binary is not None:
                system.reclaim_dead_servers(binary, {name})
        self._drop_record(name)
        self._hook(record.on_stop, settings, record.preset, Path(record.log_path), append=True)
        xruns = count_xruns(_read(Path(record.log_path)))
        return JackStatus(
            state="stopped",
            server_name=name,
            xruns=xruns,
            log_path=record.log_path,
            settings=settings,
            message="JACK stopped" + (" (it had to be killed)" if killed else ""),
        )

    def _terminate(self, pid: int, proc: subprocess.Popen[bytes] | None) -> bool:
        """SIGTERM, wait, SIGKILL: True when it had to be killed."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if self._wait_gone(pid, proc, self.stop_timeout):
            return False
        log.warning("jackd (pid %d) ignored SIGTERM; killing it", pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self._wait_gone(pid, proc, KILL_TIMEOUT_S)
        return True

    def _wait_gone(self, pid: int, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None:
                if proc.poll() is not None:
                    return True
            else:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)  # reap it when it is our child after all
                if system.process_info(self.root, pid) is None:
                    return True
            time.sleep(0.01)
        return False

    def why_it_ended(self, record: ServerRecord | None, reason: str) -> str | None:
        """After a server went away under a watch: None when it was stopped on request
        (`stagebox jack stop`, QjackCtl's Stop, a SIGTERM), else what went wrong (the log's
        explanation, or ``reason`` from libjack). A server Stagebox did not start has no log
        here, and its owner is taken to have stopped it."""
        if record is None:
            return None
        from stagebox.core.jack.explain import BLOCKING, explain_log, stopped_on_request

        # jackd writes its last words while it ends: read the log once it has
        self._wait_gone(record.pid, _CHILDREN.pop(record.pid, None), KILL_TIMEOUT_S)
        text = _read(Path(record.log_path))
        if stopped_on_request(text):
            return None
        blocking = [e for e in explain_log(text) if e.severity == BLOCKING]
        return blocking[0].message if blocking else reason

    def started_elsewhere(
        self, server_name: str | None = None
    ) -> tuple[JackStatus, ServerRecord | None] | str | None:
        """What runs under ``server_name`` for a watcher that did not start it: (status,
        record) of a server to follow, "starting" while another Stagebox process is still
        starting it (recorded, alive, not answering yet), else None. Never waits."""
        status = self.status(server_name)  # drops the record of a server that has ended
        record = self.record(server_name)
        if status.followable:
            return status, record
        if record is not None and self.owned_pid(record) is not None:
            return "starting"
        return None

    # -- status --------------------------------------------------------------------------
    def status(self, server_name: str | None = None) -> JackStatus:
        """The state of server ``server_name``, however it was started."""
        name = system.effective_server_name(server_name)
        record = self.record(name)
        owned = record is not None and self.owned_pid(record) is not None
        if record is not None and not owned:
            self._drop_record(name)
            record = None
        pw = system.pipewire_jack(self.root).active
        if not pw and not system.server_answers(name):
            return JackStatus(state="stopped", server_name=name, message="JACK is not running")
        facts = jack_client.query(name)
        if facts is None:
            return JackStatus(state="stopped", server_name=name, message="JACK is not running")
        if record is not None:
            return self._status_from(record, facts)
        kind, pid = self._identify(name, facts.libjack)
        period = facts.period
        return JackStatus(
            state="running",
            server_name=name,
            pid=pid,
            rate=facts.rate,
            period=period,
            latency_ms=_latency(facts, None),
            dsp_load=facts.dsp_load,
            realtime=facts.realtime,
            server_kind=kind,
            message=f"JACK is running ({kind})",
        )

    def _status_from(self, record: ServerRecord, facts: jack_client.ServerFacts) -> JackStatus:
        from stagebox.core.jack.explain import count_xruns

        settings = JackSettings.from_dict(record.settings).with_changes(period=facts.period)
        return JackStatus(
            state="running",
            server_name=record.server_name,
            pid=record.pid,
            rate=facts.rate,
            period=facts.period,
            periods=settings.periods or 2,
            latency_ms=_latency(facts, settings),
            xruns=count_xruns(_read(Path(record.log_path))),
            dsp_load=facts.dsp_load,
            realtime=facts.realtime,
            server_kind="jackd",
            started_by_stagebox=True,
            log_path=record.log_path,
            settings=settings,
            message="JACK is running (started by Stagebox)",
        )

    def _identify(self, name: str, libjack: str | None) -> tuple[str, int | None]:
        """Which kind of server answers as ``name``, and its pid when we can tell."""
        if libjack and "pipewire" in libjack:
            found = system.processes_named(self.root, ("pipewire",))
            return "pipewire", found[0].pid if found else None
        servers = system.processes_named(self.root, ("jackd", "jackdbus"))
        for proc in servers:
            if proc.comm != "jackd":
                continue
            try:
                proc_name = JackSettings.from_argv(proc.cmdline).server_name
            except StageboxError:
                continue
            if system.effective_server_name(proc_name or None) == name:
                return "jackd", proc.pid
        dbus = [p for p in servers if p.comm == "jackdbus"]
        if dbus:
            return "jackdbus", dbus[0].pid
        return "jack server", None

    def _running_record(self, server_name: str | None) -> ServerRecord | None:
        record = self.record(server_name)
        if record is None:
            return None
        if self.owned_pid(record) is None:
            self._drop_record(server_name)
            return None
        return record

    # -- live changes and restart --------------------------------------------------------
    def set_period(self, frames: int, server_name: str | None = None) -> JackStatus:
        """Change only the period of the running server, without a restart."""
        name = system.effective_server_name(server_name)
        jack_client.set_period(name, frames)
        record = self.record(name)
        if record is not None and self.owned_pid(record) is not None:
            record.settings["period"] = frames
            self._save_record(record)
        status = self.status(name)
        status.message = f"period changed to {status.period} frames without a restart"
        return status

    def restart(
        self, settings: JackSettings | None = None, server_name: str | None = None, **start: Any
    ) -> JackStatus:
        """Stop and start again (with ``settings``, or the recorded ones); a period-only
        change is applied live instead."""
        name = system.effective_server_name(
            server_name or (settings.server_name if settings else None)
        )
        record = self._running_record(name)
        if settings is None:
            if record is None:
                raise StageboxError(
                    f"no JACK server {name!r} started by Stagebox is running, and no settings "
                    "were given",
                    "start it with `stagebox jack start ...`",
                )
            settings = JackSettings.from_dict(record.settings)
        if record is not None:
            current = JackSettings.from_dict(record.settings)
            if current != settings and current.with_changes(period=settings.period) == settings:
                return self.set_period(settings.period, name)
            start.setdefault("preset", record.preset)
            start.setdefault("on_stop", record.on_stop)
            self.stop(name)
        return self.start(settings, **start)

    # -- helpers -------------------------------------------------------------------------
    def _hook(
        self,
        command: str,
        settings: JackSettings,
        preset: str,
        log_path: Path,
        *,
        append: bool = True,
    ) -> None:
        if not command:
            return
        from stagebox.core.jack.hooks import run_hook

        with open(log_path, "a" if append else "w", encoding="utf-8") as log_file:
            run_hook(command, settings, preset, log_file)


def _latency(facts: jack_client.ServerFacts, settings: JackSettings | None) -> float:
    if settings is not None:  # QjackCtl's figure: period x periods / rate
        return latency_ms(settings.with_changes(rate=facts.rate, period=facts.period))
    # someone else's server: its period count is unknown; 2 is jackd's default
    return facts.period * 2 / facts.rate * 1000.0 if facts.rate else 0.0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _start_time(root: SystemRoot, pid: int) -> int | None:
    info = system.process_info(root, pid)
    return info.start_time if info else None


def _server_of(proc: subprocess.Popen[bytes]) -> str | None:
    args = proc.args if isinstance(proc.args, list) else []
    try:
        return JackSettings.from_argv([str(a) for a in args]).server_name or None
    except StageboxError:
        return None


def _stop_hint(kind: str) -> str:
    return {
        "jackdbus": "stop it with `jack_control stop` (or in QjackCtl/Cadence/Studio Controls)",
        "pipewire": "it is PipeWire's JACK: it runs as long as PipeWire does",
    }.get(kind, "stop it where it was started (QjackCtl, a terminal, a systemd unit)")
