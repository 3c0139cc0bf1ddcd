"""Checks run before every start, so jackd is only started when it can work.

Each issue names the cause in plain words and the fix. Blocking issues stop the start;
the others are shown and the start goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from stagebox.core.jack import system
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.knowledge import KnowledgeBase
    from stagebox.core.model import Card

#: jackd's own default priority when -P is not given (jackd2: 10).
JACKD_DEFAULT_PRIORITY = 10

#: PCM names alsa-lib itself (or alsa-plugins) defines: not looked up in ~/.asoundrc.
_BUILTIN_PCMS = {
    "default", "sysdefault", "hw", "plughw", "front", "rear", "center_lfe", "side",
    "surround21", "surround40", "surround41", "surround50", "surround51", "surround71",
    "iec958", "spdif", "hdmi", "dmix", "dsnoop", "null", "pulse", "jack", "pipewire",
    "usbstream", "plug", "shm", "file", "asym", "dmixer",
}  # fmt: skip
_SOUND_SERVERS = ("pipewire", "pulseaudio", "wireplumber", "jackd", "jackdbus")
#: how to make a sound server let go of the cards for the session
STOP_SOUND_SERVER = (
    "`systemctl --user stop pipewire.socket pipewire wireplumber` (PulseAudio: "
    "`pactl set-card-profile <card> off`)"
)


@dataclass(frozen=True)
class PreflightIssue:
    code: str
    message: str
    fix: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.fix}"


def preflight(
    settings: JackSettings,
    root: SystemRoot,
    paths: UserPaths,
    *,
    card: Card | None = None,
    kb: KnowledgeBase | None = None,
) -> list[PreflightIssue]:
    """Everything that would stop jackd from working with ``settings``, before it starts.

    These checks are cheap (a few small files); :func:`advisories` holds the slower ones
    that can only warn, so they can run while jackd starts.
    """
    issues: list[PreflightIssue] = []
    issues += _binary(settings)
    issues += _pipewire(root, ask_ldconfig=False)
    issues += _realtime(settings)
    issues += _running(settings)
    if settings.driver == "alsa":
        issues += _devices(settings, root, paths)
    if kb is not None:
        from stagebox.core.jack.defaults import validate_settings

        for problem in validate_settings(settings, card, kb):
            issues.append(
                PreflightIssue(
                    f"invalid_{problem.field}",
                    problem.message,
                    problem.fix or "change that setting",
                )
            )
    return issues


def _binary(settings: JackSettings) -> list[PreflightIssue]:
    if system.find_jackd(settings.server_path) is not None:
        return []
    return [
        PreflightIssue(
            "no_jackd",
            f"the JACK server program {settings.server_path!r} is not installed",
            system.INSTALL_HINT,
        )
    ]


def _pipewire(root: SystemRoot, *, ask_ldconfig: bool = True) -> list[PreflightIssue]:
    pw = system.pipewire_jack(root, ask_ldconfig=ask_ldconfig)
    if not pw.active:
        return []
    where = ", ".join(pw.config_files) or pw.libjack or "libjack"
    return [
        PreflightIssue(
            "pipewire_jack",
            f"PipeWire's JACK replacement is active ({where}): programs using JACK would "
            "talk to PipeWire, not to the jackd Stagebox starts",
            "use PipeWire's JACK as it is (no jackd needed), or make the real one active: "
            "remove /etc/ld.so.conf.d/pipewire-jack*.conf and run `sudo ldconfig`",
        )
    ]


def _realtime(settings: JackSettings) -> list[PreflightIssue]:
    if not settings.realtime:
        return []
    rights = system.realtime_rights()
    wanted = settings.priority if settings.priority > 5 else JACKD_DEFAULT_PRIORITY
    issues = []
    if not rights.allows(wanted):
        issues.append(
            PreflightIssue(
                "no_realtime_rights",
                f"you may not use realtime priority {wanted} (your limit is "
                f"{rights.rtprio_soft}), so JACK would drop out under load",
                "join the audio group with realtime limits (`stagebox check` shows how) and "
                "log in again; or start without realtime now: add --no-realtime (or "
                "--fallback-no-realtime to do that only when needed)",
            )
        )
    if not rights.memlock_unlimited and not rights.is_root:
        issues.append(
            PreflightIssue(
                "no_memlock",
                "you may not lock memory, so a page fault can cause a dropout",
                "allow `@audio - memlock unlimited` in /etc/security/limits.d/audio.conf",
                blocking=False,
            )
        )
    return issues


def _running(settings: JackSettings) -> list[PreflightIssue]:
    name = system.effective_server_name(settings.server_name)
    if not system.server_answers(settings.server_name):
        return []
    return [
        PreflightIssue(
            "server_running",
            f"a JACK server called {name!r} is already running",
            "use it, stop it first (`stagebox jack stop`, or `jack_control stop` for "
            "jackdbus), or choose another --server-name",
        )
    ]


def advisories(root: SystemRoot) -> list[PreflightIssue]:
    """Slower checks that can only warn (run while jackd starts): other JACK servers,
    and a libjack that PipeWire replaced without an ld.so.conf.d file."""
    issues = [replace(i, blocking=False) for i in _pipewire(root)]
    for proc in system.processes_named(root, ("jackdbus",)):
        issues.append(
            PreflightIssue(
                "jackdbus",
                f"jackdbus is running (pid {proc.pid}, started by QjackCtl, Cadence or "
                "Studio Controls through D-Bus) and may take the sound card",
                "stop it with `jack_control exit` if JACK should run from Stagebox",
                blocking=False,
            )
        )
    return issues


def _devices(settings: JackSettings, root: SystemRoot, paths: UserPaths) -> list[PreflightIssue]:
    issues: list[PreflightIssue] = []
    for device in settings.devices():
        card = system.card_of_device(device, root)
        if card is None:
            issues += _pcm_defined(device, root, paths)
            continue
        name, index = card
        if index is None:
            present = ", ".join(sorted(system.card_indexes(root))) or "none"
            issues.append(
                PreflightIssue(
                    "no_such_card",
                    f"there is no sound card {name!r} (cards now: {present})",
                    "plug in and power on the interface; `stagebox detect` shows its name",
                )
            )
            continue
        issues += _held(index, root)
    return issues


def _held(index: int, root: SystemRoot) -> list[PreflightIssue]:
    holders = system.card_holders(root, index)
    if not holders:
        return []
    who = ", ".join(sorted({f"{h.process} (pid {h.pid})" for h in holders}))
    servers = {h.process for h in holders} & set(_SOUND_SERVERS)
    fix = (
        "Stagebox asks PipeWire/PulseAudio to release the card (device reservation) and "
        f"retries once; if it stays busy: {STOP_SOUND_SERVER}"
        if servers
        else "close that program, then start JACK again"
    )
    return [
        PreflightIssue(
            "device_busy",
            f"sound card {index} is in use by {who}",
            fix,
            blocking=not servers,  # a sound server can be asked to let go
        )
    ]


def _pcm_defined(device: str, root: SystemRoot, paths: UserPaths) -> list[PreflightIssue]:
    base = device.split(":", 1)[0]
    if base in _BUILTIN_PCMS:
        return []
    xdg_asoundrc = paths.xdg_config_home / "alsa" / "asoundrc"
    configs = [_read(paths.asoundrc), _read(xdg_asoundrc), root.read_text("/etc/asound.conf") or ""]
    pattern = re.compile(rf"^\s*pcm\.!?[\"']?{re.escape(base)}[\"']?\s*[{{.=]", re.MULTILINE)
    if any(pattern.search(text) for text in configs):
        return []
    return [
        PreflightIssue(
            "unknown_pcm",
            f"the ALSA device {device!r} is not defined in ~/.asoundrc or /etc/asound.conf, "
            'so jackd would stop with "Unknown PCM"',
            "run `stagebox alsa apply` to write it (or give a hw:<card id> device)",
        )
    ]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
