"""``stagebox report``: one text file a user can paste into a forum or a bug tracker.

The layout is alsa-info.sh's (``!!`` banner, ``!!Title`` + ``!!-----`` sections, long blocks
between ``--startcollapse--`` and ``--endcollapse--``), so people who read alsa-info output
find their way, and Stagebox's own paste parser reads it back: the section titled
:data:`~stagebox.core.facts.FACTS_SECTION_TITLE` holds the machine facts as JSON, from which
``stagebox detect --capture`` gets exactly the detection result of the machine.

Nothing is uploaded anywhere. Home paths, user and host names and USB serial numbers are
redacted unless the caller asks to keep them.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stagebox import __version__
from stagebox.core.errors import StageboxError
from stagebox.core.facts import FACTS_SECTION_TITLE, MachineFacts
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.checks import CheckResult
    from stagebox.core.model import DetectionResult


BANNER_RULE = "!!################################"
STAGEBOX_BLOCK_MARK = "stagebox"  # the alsa helper's block markers contain this word
LOG_TAIL_LINES = 200
#: Packages whose versions matter for JACK on an audio interface (Debian names).
REPORT_PACKAGES = (
    "jackd2",
    "jackd1",
    "libjack-jackd2-0",
    "libasound2",
    "libasound2t64",
    "libasound2-plugins",
    "alsa-utils",
    "alsa-tools",
    "alsa-firmware-loaders",
    "pipewire",
    "pipewire-jack",
    "pipewire-alsa",
    "pulseaudio",
    "qjackctl",
)
#: Always listed, "not installed" when missing.
KEY_PACKAGES = ("jackd2", "libasound2", "libasound2-plugins", "alsa-utils", "pipewire")
SOUND_SERVERS = ("jackd", "jackdbus", "pipewire", "pipewire-pulse", "wireplumber", "pulseaudio")


@dataclass(frozen=True)
class Section:
    title: str
    body: str
    collapse: bool = False

    def render(self) -> str:
        body = self.body.rstrip("\n")
        if self.collapse:
            body = f"--startcollapse--\n{body}\n--endcollapse--"
        return f"!!{self.title}\n!!{'-' * len(self.title)}\n\n{body}\n\n"


# -- redaction ---------------------------------------------------------------------------


@dataclass
class Redactor:
    """Replaces private words with placeholders: the same value always gets the same one."""

    home: str | None = None
    users: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    serials: dict[str, str] = field(default_factory=dict)  # value -> "<serial-N>"
    enabled: bool = True

    def serial(self, value: str) -> str:
        if not self.enabled or not value:
            return value
        return self.serials.setdefault(value, f"<serial-{len(self.serials) + 1}>")

    def text(self, text: str) -> str:
        if not self.enabled:
            return text
        if self.home and self.home != "/":
            text = re.sub(re.escape(self.home) + r"(?![\w.-])", "~", text)
        for value, token in self.serials.items():
            if len(value) >= 4:
                text = _replace_word(text, value, token)
        for user in self.users:
            text = _replace_word(text, user, "<user>")
        for host in self.hosts:
            text = _replace_word(text, host, "<host>")
        return text

    def json_value(self, value: Any, key: str | None = None) -> Any:
        """Redact the string values of parsed JSON (keys stay as they are)."""
        if isinstance(value, dict):
            return {k: self.json_value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json_value(v, key) for v in value]
        if isinstance(value, str):
            return self.serial(value) if key == "serial" else self.text(value)
        return value


def _replace_word(text: str, word: str, token: str) -> str:
    return re.sub(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", token, text)


def make_redactor(
    root: SystemRoot, paths: UserPaths, facts: MachineFacts | None, *, enabled: bool
) -> Redactor:
    """Collect what is private on this machine: home, user names, host names, serials."""
    import os

    users = {os.environ.get("USER") or "", os.environ.get("LOGNAME") or "", paths.home.name}
    try:
        import pwd

        users.add(pwd.getpwuid(os.getuid()).pw_name)
    except (ImportError, KeyError):
        pass
    hosts = {
        root.read_attr("/etc/hostname") or "",
        root.read_attr("/proc/sys/kernel/hostname") or "",
    }
    if root.is_live:
        hosts.add(os.uname().nodename)
    redactor = Redactor(
        home=str(paths.home),
        users=sorted(_private_names(users, {"root", "home"}), key=len, reverse=True),
        hosts=sorted(_private_names(hosts, {"localhost", "(none)"}), key=len, reverse=True),
        enabled=enabled,
    )
    for serial in _serials(facts):
        redactor.serial(serial)
    return redactor


def _private_names(names: set[str], public: set[str]) -> set[str]:
    # One-letter names would blank out half the report; they identify no one anyway.
    return {n.strip() for n in names if len(n.strip()) >= 2 and n.strip() not in public}


def _serials(facts: MachineFacts | None) -> list[str]:
    if facts is None:
        return []
    found = [c.serial for c in facts.cards if c.serial]
    found += [u.serial for u in facts.usb_devices or [] if u.serial]
    return list(dict.fromkeys(found))


# -- sections --------------------------------------------------------------------------------


def _distribution(root: SystemRoot) -> Section:
    text = root.read_text("/etc/os-release") or "(no /etc/os-release)"
    return Section("Linux Distribution", text)


def _kernel(root: SystemRoot) -> Section:
    lines = [
        f"Kernel release:    {root.kernel_release() or 'unknown'}",
        f"Kernel version:    {root.read_attr('/proc/sys/kernel/version') or 'unknown'}",
    ]
    if root.is_live:
        import os

        lines.append(f"Architecture:      {os.uname().machine}")
    lines.append(f"Kernel command line: {root.read_attr('/proc/cmdline') or 'unknown'}")
    return Section("Kernel Information", "\n".join(lines))


def _alsa_version(root: SystemRoot, packages: dict[str, Any] | None) -> Section:
    driver = root.read_attr("/proc/asound/version") or "not loaded (/proc/asound/version missing)"
    library = next(
        (
            packages[n].version
            for n in ("libasound2", "libasound2t64")
            if packages and n in packages
        ),
        "unknown",
    )
    return Section("ALSA Version", f"Driver version:     {driver}\nLibrary version:    {library}")


def _alsa_modules(root: SystemRoot) -> Section:
    text = root.read_text("/proc/asound/modules")
    if text:
        names = [line.split()[1] for line in text.splitlines() if len(line.split()) >= 2]
    else:
        modules = root.read_text("/proc/modules") or ""
        names = [line.split()[0] for line in modules.splitlines() if line.startswith("snd")]
    return Section("Loaded ALSA modules", "\n".join(dict.fromkeys(names)) or "(none)")


def _sound_servers(root: SystemRoot) -> Section:
    running: dict[str, list[str]] = {}
    for pid in root.listdir("/proc"):
        if pid.isdecimal():
            comm = root.read_attr(f"/proc/{pid}/comm")
            if comm in SOUND_SERVERS:
                running.setdefault(comm, []).append(pid)
    lines = [
        f"{name}: running (pid {', '.join(running[name])})"
        if name in running
        else f"{name}: not running"
        for name in SOUND_SERVERS
    ]
    shadow = [n for n in root.listdir("/etc/ld.so.conf.d") if n.startswith("pipewire-jack")]
    if shadow:
        lines.append(
            f"PipeWire's libjack replaces JACK's for every program ({', '.join(shadow)} in "
            "/etc/ld.so.conf.d)"
        )
    return Section("Sound Servers on this system", "\n".join(lines))


def _cards(root: SystemRoot) -> Section:
    text = root.read_text("/proc/asound/cards")
    return Section("Soundcards recognised by ALSA", text if text else "--- no soundcards ---")


def format_detection(result: DetectionResult) -> str:
    """The detection result in a few plain lines per card."""
    lines = [f"ALSA: {result.alsa.value}   kernel: {result.kernel or 'unknown'}"]
    for card in result.cards:
        lines.append(
            f"card {card.index} [{card.id}] {card.model or card.name or ''}: "
            f"{card.kind.value}, {card.access.value}, JACK device {card.jack_device or 'none'}"
        )
        details = [
            f"driver {card.module or card.driver or 'unknown'}",
            f"USB {card.usb_id}" if card.usb_id else "",
            f"{card.usb_speed} speed" if card.usb_speed else "",
            f"controller {card.controller}" if card.controller else "",
            f"family {card.family}" if card.family else "",
        ]
        lines.append("    " + ", ".join(d for d in details if d))
    for usb in result.usb_audio_without_card:
        lines.append(f"USB {usb.usb_id} {usb.model or ''} without an ALSA card: {usb.reason}")
    if not result.cards and not result.usb_audio_without_card:
        lines.append("no sound cards and no USB audio devices found")
    if result.findings:
        lines.append("")
        lines.append("Findings:")
        for finding in result.findings:
            where = (
                f"card {finding.card}" if finding.card is not None else finding.usb_id or "system"
            )
            lines.append(
                f"  [{finding.severity.value}] {finding.code} ({where}): {finding.message}"
            )
            if finding.fix:
                lines.append(f"      fix: {finding.fix}")
    return "\n".join(lines)


def _jack_settings(root: SystemRoot, paths: UserPaths) -> Section:
    lines = _running_server(root, paths)
    line = _first_line(_read_user_file(paths.jackdrc))
    if line is None:
        lines.append("~/.jackdrc: none (JACK has not been set up by Stagebox or QjackCtl)")
    else:
        lines.append(f"~/.jackdrc command line: {line}")
        lines.extend(_describe_jack_line(line))
    return Section("JACK settings and command line", "\n".join(lines))


def _running_server(root: SystemRoot, paths: UserPaths) -> list[str]:
    """The server Stagebox started, from the jack helper's record (read only, never changed)."""
    try:
        from stagebox.core.jack.control import JackController
    except ImportError:
        return []
    controller = JackController(paths, root=root)
    record = controller.record(None)
    if record is None:
        return ["Stagebox-started JACK server: none recorded"]
    alive = controller.owned_pid(record) is not None if root.is_live else None
    state = {True: "running", False: "no longer running", None: "state unknown"}[alive]
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(record.started_at))
    return [
        f"Stagebox-started JACK server '{record.server_name}': {state} (pid {record.pid}, "
        f"started {started})",
        f"its command line: {shlex.join(record.argv)}",
    ]


def _describe_jack_line(line: str) -> list[str]:
    try:
        from stagebox.core.jack.settings import JackSettings, latency_ms
    except ImportError:
        return []
    try:
        settings = JackSettings.from_line(line)
    except (StageboxError, ValueError, TypeError) as exc:
        return [f"(cannot read it: {exc})"]
    described = [
        f"driver {settings.driver}, device {settings.device or 'default'}",
        f"rate {settings.rate or 'default'}, period {settings.period or 'default'} frames, "
        f"{settings.periods or 'default'} periods",
    ]
    if settings.rate and settings.period and settings.periods:
        described.append(f"latency {latency_ms(settings):.1f} ms")
    return described


def find_jack_log(paths: UserPaths) -> Path | None:
    """The newest jackd log (``<state dir>/jack/<server>.log``, written by Stagebox's start)."""
    logs = [p for p in (paths.state_dir / "jack").glob("*.log") if p.is_file()]
    return max(logs, key=lambda p: p.stat().st_mtime) if logs else None


def _jack_log(paths: UserPaths) -> Section:
    path = find_jack_log(paths)
    if path is None:
        return Section("Last JACK log", "(no JACK log: Stagebox has not started JACK yet)")
    text = _read_user_file(path) or ""
    lines = text.splitlines()[-LOG_TAIL_LINES:]
    header = f"{path} (last {len(lines)} lines)"
    return Section("Last JACK log", header + "\n" + "\n".join(lines), collapse=True)


def _config_files(root: SystemRoot, paths: UserPaths) -> Section:
    parts: list[str] = []
    asoundrc = _read_user_file(paths.asoundrc)
    if asoundrc is None:
        parts.append("!!-------~/.asoundrc: none")
    else:
        has_block = STAGEBOX_BLOCK_MARK in asoundrc.lower()
        note = "with a Stagebox block" if has_block else "no Stagebox block"
        parts.append(f"!!-------~/.asoundrc ({note})\n{asoundrc.rstrip()}")
    jackdrc = _read_user_file(paths.jackdrc)
    parts.append(
        "!!-------~/.jackdrc: none"
        if jackdrc is None
        else f"!!-------~/.jackdrc\n{jackdrc.rstrip()}"
    )
    system = root.read_text("/etc/asound.conf")
    parts.append(
        "!!-------/etc/asound.conf: none"
        if system is None
        else f"!!-------/etc/asound.conf\n{system.rstrip()}"
    )
    return Section("ALSA and JACK configuration files", "\n\n".join(parts), collapse=True)


def _packages(packages: dict[str, Any] | None) -> Section:
    if packages is None:
        return Section("Packages installed", "(no dpkg database: versions unknown)")
    lines = []
    for name in REPORT_PACKAGES:
        if name in packages:
            lines.append(f"{name:<24}{packages[name].version}")
        elif name in KEY_PACKAGES:
            lines.append(f"{name:<24}not installed")
    return Section("Packages installed", "\n".join(lines))


def _read_user_file(path: Path, limit: int = 1 << 20) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return None


def _first_line(text: str | None) -> str | None:
    if text is None:
        return None
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


# -- the whole report --------------------------------------------------------------------


def build_report(
    root: SystemRoot,
    paths: UserPaths,
    *,
    redact: bool = True,
    checks: list[CheckResult] | None = None,
    now: float | None = None,
) -> str:
    """The whole report as one text. Reads only; nothing is changed or sent anywhere."""
    from stagebox.core.checks import format_checks, run_checks
    from stagebox.core.detect import detect_facts
    from stagebox.core.live import read_live_facts
    from stagebox.core.packages import read_dpkg_status

    facts = read_live_facts(root)
    result = detect_facts(facts)
    if checks is None:
        checks = run_checks(root, result, paths=paths)
    packages = read_dpkg_status(root, REPORT_PACKAGES)
    redactor = make_redactor(root, paths, facts, enabled=redact)
    sections = [
        _distribution(root),
        _kernel(root),
        _alsa_version(root, packages),
        _alsa_modules(root),
        _sound_servers(root),
        _cards(root),
        Section("Stagebox detection result", format_detection(result)),
        Section("Stagebox checks", format_checks(checks)),
        _jack_settings(root, paths),
        _jack_log(paths),
        _config_files(root, paths),
        _packages(packages),
    ]
    text = _banner(now, redact) + "".join(redactor.text(s.render()) for s in sections)
    return text + Section(FACTS_SECTION_TITLE, _facts_json(facts, redactor), collapse=True).render()


def _facts_json(facts: MachineFacts, redactor: Redactor) -> str:
    from stagebox.core.facts import facts_to_json

    data = json.loads(facts_to_json(facts))
    # same layout as facts_to_json, string values redacted one by one so the JSON stays valid
    return json.dumps(redactor.json_value(data), indent=1, sort_keys=True)


def _banner(now: float | None, redact: bool) -> str:
    stamp = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(now))
    privacy = (
        "Home paths, user and host names and USB serial numbers are replaced by ~, <user>, "
        "<host> and <serial-N>."
        if redact
        else "Not redacted: this report may contain your user name, host name and serial numbers."
    )
    return (
        f"{BANNER_RULE}\n!!Stagebox report v{__version__}\n{BANNER_RULE}\n\n"
        f"!!Script ran on: {stamp}\n\n"
        f"This file was written on this computer and sent nowhere. {privacy}\n\n\n"
    )
