"""Settings other tools left behind (~/.jackdrc, QjackCtl's presets) and writing ~/.jackdrc.

~/.jackdrc is read by libjack when an application auto-starts a server: jack2 takes the first
line, splits it on whitespace (no quoting at all) and skips the first word. So the line we
write is QjackCtl's one-line form and may not hold a blank inside any argument.
"""

from __future__ import annotations

import configparser
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from stagebox.core.errors import InputError, StageboxError
from stagebox.core.jack.settings import AudioMode, JackSettings
from stagebox.core.journal import Entry, Journal
from stagebox.core.paths import UserPaths

log = logging.getLogger(__name__)

FEATURE = "jack"
#: QjackCtl's name for its unnamed preset.
DEFAULT_PRESET = "(default)"


# -- ~/.jackdrc ----------------------------------------------------------------------------
def parse_jackdrc(text: str) -> JackSettings:
    """Settings from the text of a ~/.jackdrc, split on whitespace the way jack2 reads it."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not line:
        raise InputError("~/.jackdrc is empty", "write one with `stagebox jack write-jackdrc`")
    return JackSettings.from_argv(line.split())


def read_jackdrc(paths: UserPaths) -> JackSettings | None:
    """The user's ~/.jackdrc as settings, None when there is none."""
    try:
        text = paths.jackdrc.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StageboxError(f"cannot read {paths.jackdrc}: {exc.strerror}") from exc
    return parse_jackdrc(text)


def jackdrc_line(settings: JackSettings) -> str:
    """The one line to write, refused when jack2 would cut an argument at a blank."""
    argv = settings.to_argv()
    for arg in argv:
        if any(ch.isspace() for ch in arg):
            raise InputError(
                f"cannot put {arg!r} into ~/.jackdrc: jack2 splits that file at every blank, "
                "so the server an application starts would get a broken argument",
                "use a device name without blanks (e.g. hw:<card id> or the PCM name "
                "Stagebox wrote to ~/.asoundrc)",
            )
    command = argv[0]
    if "/" not in command:  # QjackCtl writes the resolved absolute path
        command = shutil.which(command) or command
    return " ".join([command, *argv[1:]]) + "\n"


def write_jackdrc(settings: JackSettings, journal: Journal) -> Entry:
    """Write ~/.jackdrc through the change journal (backup, atomic, undoable)."""
    line = jackdrc_line(settings)
    return journal.write_file(
        journal.paths.jackdrc,
        line,
        feature=FEATURE,
        summary=f"wrote ~/.jackdrc so applications start JACK as: {line.strip()}",
    )


def undo_jackdrc(journal: Journal, *, force: bool = False) -> Entry:
    entry = journal.last(FEATURE, journal.paths.jackdrc)
    if entry is None:
        raise StageboxError(
            "Stagebox has not written ~/.jackdrc (or that change was already undone)",
            "nothing to undo; `stagebox journal` lists every change",
        )
    return journal.undo_file(entry, force=force)


# -- QjackCtl ------------------------------------------------------------------------------
@dataclass
class QjackCtlPresets:
    """The presets found in QjackCtl.conf, by name, and the one QjackCtl uses now."""

    presets: dict[str, JackSettings] = field(default_factory=dict)
    current: str | None = None


_BOOL_KEYS = {
    "Realtime": "realtime",
    "SoftMode": "soft_mode",
    "Monitor": "monitor",
    "Shorts": "shorts",
    "NoMemLock": "no_mlock",
    "UnlockMem": "unlock_mem",
    "HWMeter": "hw_meter",
    "Sync": "sync",
    "Verbose": "verbose",
}
_INT_KEYS = {
    "Priority": "priority",
    "Frames": "period",
    "SampleRate": "rate",
    "Periods": "periods",
    "Wait": "wait",
    "Timeout": "timeout",
    "InChannels": "in_channels",
    "OutChannels": "out_channels",
    "InLatency": "in_latency",
    "OutLatency": "out_latency",
    "PortMax": "port_max",
}
_STR_KEYS = {
    "ServerName": "server_name",
    "Driver": "driver",
    "Interface": "device",
    "InDevice": "capture_device",
    "OutDevice": "playback_device",
}
_DITHER = {"0": "", "1": "r", "2": "s", "3": "t"}


def read_qjackctl(path: Path) -> QjackCtlPresets:
    """Every preset of a QjackCtl.conf as settings (missing file: no presets)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return QjackCtlPresets()
    except OSError as exc:
        raise StageboxError(f"cannot read {path}: {exc.strerror}") from exc
    return parse_qjackctl(text)


def parse_qjackctl(text: str) -> QjackCtlPresets:
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, delimiters=("=",), comment_prefixes=(";", "#")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise InputError(f"QjackCtl.conf cannot be read: {exc.message}") from exc
    groups = _preset_groups(parser)
    names = _preset_names(parser)
    presets = {}
    for name in [DEFAULT_PRESET, *names]:
        keys = groups.get(name)
        if keys is not None:
            presets[name] = _preset_settings(name, keys)
    current = None
    if parser.has_section("Presets"):
        current = _qvalue(parser["Presets"].get("DefPreset", "")) or None
    if current is not None and current not in presets:
        current = DEFAULT_PRESET if DEFAULT_PRESET in presets else None
    return QjackCtlPresets(presets=presets, current=current)


def _preset_names(parser: configparser.ConfigParser) -> list[str]:
    if not parser.has_section("Presets"):
        return []
    found = []
    for key, value in parser["Presets"].items():
        if re.fullmatch(r"Preset\d+", key) and _qvalue(value):
            found.append((int(key[6:]), _qvalue(value)))
    return [name for _, name in sorted(found)]


def _preset_groups(parser: configparser.ConfigParser) -> dict[str, dict[str, str]]:
    """[Settings] keys by preset: plain keys are the default one, ``Name\\Key`` a named one."""
    groups: dict[str, dict[str, str]] = {}
    if not parser.has_section("Settings"):
        return groups
    for raw_key, value in parser["Settings"].items():
        key = _unescape_key(raw_key)
        preset, sep, name = key.rpartition("\\")
        if not sep:
            preset, sep, name = key.rpartition("/")
        groups.setdefault(preset if sep else DEFAULT_PRESET, {})[name] = _qvalue(value)
    return groups


def _preset_settings(name: str, keys: dict[str, str]) -> JackSettings:
    s = JackSettings()
    server = keys.get("Server") or keys.get("ServerPrefix") or "jackd"
    words = server.split()
    s.server_path, s.server_prefix = (words[0], words[1:]) if words else ("jackd", [])
    for key, attr in _BOOL_KEYS.items():
        if key in keys:
            setattr(s, attr, keys[key].lower() == "true")
    for key, attr in _INT_KEYS.items():
        if keys.get(key):
            setattr(s, attr, _qint(name, key, keys[key]))
    for key, attr in _STR_KEYS.items():
        if key in keys:
            setattr(s, attr, keys[key])
    s.driver = s.driver or "alsa"
    if keys.get("Audio"):
        s.audio = AudioMode(_qint(name, "Audio", keys["Audio"]) % 3)
    s.dither = _DITHER.get(keys.get("Dither", "0"), "")
    midi = keys.get("MidiDriver", "")
    s.midi_driver = midi if midi in ("raw", "seq") else ""
    s.clock_source = _qchar(keys.get("ClockSource", ""), "chs")
    s.self_connect = _qchar(keys.get("SelfConnectMode", ""), "eEaA")
    s.server_suffix = keys.get("ServerSuffix", "").split()
    return s


def _qvalue(value: str) -> str:
    """A QSettings INI value: strip the quotes QSettings adds and undo its escapes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        value = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), value)
    if value.startswith("@@"):
        value = value[1:]
    return value


def _unescape_key(key: str) -> str:
    """QSettings writes blanks and other special characters in key names as %hh / %Uhhhh (hex digits)."""
    key = re.sub(r"%U([0-9A-Fa-f]{4})", lambda m: chr(int(m[1], 16)), key)
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m[1], 16)), key)


def _qint(preset: str, key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(
            f"QjackCtl preset {preset!r}: {key}={value!r} is not a number",
            "fix that value in QjackCtl's setup dialog, then import again",
        ) from None


def _qchar(value: str, allowed: str) -> str:
    """QjackCtl stores clock source and self-connect mode as a char code (or the char)."""
    if value.isdecimal():
        value = chr(int(value)) if int(value) > 0 else ""
    return value if value and value in allowed else ""
