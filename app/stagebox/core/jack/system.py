"""What the machine offers JACK: the jackd binary, PipeWire's libjack, running servers,
processes holding a sound card, realtime limits.

All reads of /proc and /etc go through :class:`SystemRoot`; running external programs
(``ldconfig -p``) only happens on the live machine.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)

#: jack2 keeps its server sockets here: ``jack_<server>_<uid>_0`` (``jackd --version``).
JACK_TMPDIR = Path("/dev/shm")
INSTALL_HINT = "install the JACK server: `sudo apt install jackd2` (Fedora: `sudo dnf install jack-audio-connection-kit`)"


# -- the jackd binary ------------------------------------------------------------------------
def find_jackd(command: str = "jackd") -> str | None:
    """The absolute path of the jackd command (as QjackCtl resolves its Server field)."""
    if "/" in command:
        return command if os.access(command, os.X_OK) else None
    return shutil.which(command)


def jackd_version(path: str) -> str | None:
    """``jackdmp version 1.9.21`` (jack2) or ``jackd version 0.126.0`` (jack1)."""
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(jackdmp|jackd) version (\S+)", out.stdout + out.stderr)
    if not match:
        return None
    return f"jack2 {match[2]}" if match[1] == "jackdmp" else f"jack1 {match[2]}"


# -- PipeWire's libjack ----------------------------------------------------------------------
@dataclass(frozen=True)
class PipewireJack:
    config_files: list[str]  # /etc/ld.so.conf.d/pipewire-jack*.conf
    libjack: str | None  # where libjack.so.0 resolves to, when known

    @property
    def active(self) -> bool:
        return bool(self.config_files) or bool(self.libjack and "pipewire" in self.libjack)


def pipewire_jack(root: SystemRoot, *, ask_ldconfig: bool = True) -> PipewireJack:
    """Whether programs using libjack talk to PipeWire instead of a real JACK server.

    The ld.so.conf.d file is what Debian/Ubuntu's pipewire-jack installs; ``ldconfig -p``
    also finds a libjack.so.0 that PipeWire replaced outright (Fedora)."""
    conf_dir = "/etc/ld.so.conf.d"
    files = [
        f"{conf_dir}/{name}"
        for name in root.listdir(conf_dir)
        if name.startswith("pipewire-jack") and name.endswith(".conf")
    ]
    return PipewireJack(config_files=files, libjack=_libjack_path(root) if ask_ldconfig else None)


def _libjack_path(root: SystemRoot) -> str | None:
    if not root.is_live:
        return None
    if "jack" in sys.modules:  # JACK-Client already loaded it: no need to ask ldconfig
        loaded = libjack_in_use()
        if loaded:
            return os.path.realpath(loaded)
    try:
        out = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"^\s*libjack\.so\.0 .*=> (\S+)$", out, re.MULTILINE)
    if match is None:
        return None
    return os.path.realpath(match[1])


def libjack_in_use() -> str | None:
    """The libjack this process loaded (after ``import jack``), from /proc/self/maps."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    match = re.search(r"(\S*libjack\.so\S*)$", maps, re.MULTILINE)
    return match[1] if match else None


# -- servers ---------------------------------------------------------------------------------
def effective_server_name(name: str | None) -> str:
    """The server libjack talks to: the name given, $JACK_DEFAULT_SERVER, or ``default``."""
    return name or os.environ.get("JACK_DEFAULT_SERVER") or "default"


def server_socket(name: str | None, uid: int | None = None) -> Path:
    uid = os.getuid() if uid is None else uid
    return JACK_TMPDIR / f"jack_{effective_server_name(name)}_{uid}_0"


def server_answers(name: str | None) -> bool:
    """True when a jack2 server socket for ``name`` accepts connections (cheap, no libjack)."""
    path = server_socket(name)
    if not path.exists():
        return False
    import socket  # only when there is a socket to try (start-up speed of `jack start`)

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True


def remove_stale_shm(name: str | None) -> list[Path]:
    """Remove what a killed jackd of server ``name`` left in /dev/shm (only that server's)."""
    server = effective_server_name(name)
    removed = []
    for path in JACK_TMPDIR.glob(f"jack_{server}_{os.getuid()}_*"):
        removed.append(path)
    for path in JACK_TMPDIR.glob(f"jack_sem.{os.getuid()}_{server}_*"):
        removed.append(path)
    for path in removed:
        try:
            path.unlink()
        except OSError as exc:
            log.debug("could not remove %s: %s", path, exc)
    return removed


# -- processes -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    comm: str
    cmdline: list[str]
    start_time: int | None  # clock ticks after boot (/proc/PID/stat field 22)
    uid: int | None


def process_info(root: SystemRoot, pid: int) -> ProcessInfo | None:
    stat = root.read_text(f"/proc/{pid}/stat")
    if stat is None:
        return None
    # "pid (comm with spaces) S ppid ..." : split after the last ')'
    comm = stat[stat.find("(") + 1 : stat.rfind(")")]
    rest = stat[stat.rfind(")") + 2 :].split()
    if rest and rest[0] in ("Z", "X"):  # a zombie has exited already
        return None
    start = int(rest[19]) if len(rest) > 19 and rest[19].isdecimal() else None
    raw = root.path(f"/proc/{pid}/cmdline")
    try:
        cmdline = [a for a in raw.read_bytes().decode(errors="replace").split("\0") if a]
    except OSError:
        cmdline = []
    status = root.read_text(f"/proc/{pid}/status") or ""
    uid_match = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
    return ProcessInfo(pid, comm, cmdline, start, int(uid_match[1]) if uid_match else None)


def processes_named(root: SystemRoot, names: tuple[str, ...]) -> list[ProcessInfo]:
    found = []
    proc_dir = root.path("/proc")  # /proc/<pid>/comm holds no links: no need to resolve
    try:
        entries = [e.name for e in os.scandir(proc_dir) if e.name.isdecimal()]
    except OSError:
        return []
    for entry in entries:
        try:
            comm = (proc_dir / entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in names:
            info = process_info(root, int(entry))
            if info is not None:
                found.append(info)
    return found


# -- sound cards -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CardHolder:
    card_index: int
    substream: str  # "pcm0p/sub0"
    pid: int
    process: str  # comm, or "?" when it cannot be read


def card_indexes(root: SystemRoot) -> dict[str, int]:
    """ALSA card id -> index, from /proc/asound/cards."""
    from stagebox.core.procfs import parse_cards

    text = root.read_text("/proc/asound/cards") or ""
    return {card.id: card.index for card in parse_cards(text)}


def card_of_device(device: str, root: SystemRoot) -> tuple[str, int | None] | None:
    """For ``hw:X``/``plughw:X,0``/``hw:CARD=X,DEV=0``: (the card named, its index or None).

    None when the device is not a card-addressed name (a PCM from ~/.asoundrc).
    """
    match = re.match(r"^(?:plug)?hw:(?:CARD=)?([^,]+)", device)
    if match is None:
        return None
    name = match[1]
    cards = card_indexes(root)
    if name.isdecimal():
        index = int(name)
        return name, index if index in cards.values() else None
    return name, cards.get(name)


def card_holders(root: SystemRoot, index: int) -> list[CardHolder]:
    """Processes that have a PCM substream of card ``index`` open (``owner_pid``)."""
    from stagebox.core.procfs import parse_substream_status

    holders = []
    base = f"/proc/asound/card{index}"
    for pcm in root.listdir(base):
        if not re.fullmatch(r"pcm\d+[pc]", pcm):
            continue
        for sub in root.listdir(f"{base}/{pcm}"):
            if not sub.startswith("sub"):
                continue
            pid = parse_substream_status(root.read_text(f"{base}/{pcm}/{sub}/status") or "")
            if pid is not None:
                comm = root.read_attr(f"/proc/{pid}/comm") or "?"
                holders.append(CardHolder(index, f"{pcm}/{sub}", pid, comm))
    return holders


# -- realtime --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RealtimeRights:
    rtprio_soft: int
    rtprio_hard: int
    memlock_unlimited: bool
    is_root: bool

    def allows(self, priority: int) -> bool:
        # jackd runs with the soft limit it inherits from us
        return self.is_root or self.rtprio_soft >= priority


def realtime_rights() -> RealtimeRights:
    soft, hard = resource.getrlimit(resource.RLIMIT_RTPRIO)
    _, mem_hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)

    def value(limit: int) -> int:
        return 99 if limit == resource.RLIM_INFINITY else int(limit)

    return RealtimeRights(
        rtprio_soft=value(soft),
        rtprio_hard=value(hard),
        memlock_unlimited=mem_hard == resource.RLIM_INFINITY,
        is_root=os.geteuid() == 0,
    )


# -- jack2's server registry ---------------------------------------------------------------
#: jack2 registers every server in this shared file, in one of only 8 slots; a server that
#: was killed keeps its slot, so after a few crashes jackd fails with "Too many servers
#: already active". A slot is freed when a server of the same name starts and ends cleanly.
REGISTRY = JACK_TMPDIR / "jack-shm-registry"
_REGISTRY_HEADER = 24  # magic, protocol, type, size, hdr_len, entry_len (6 x int32)
MAX_SERVERS = 8


@dataclass(frozen=True)
class RegisteredServer:
    pid: int
    uid: int
    server_name: str
    alive: bool


def registered_servers(registry: Path = REGISTRY) -> list[RegisteredServer]:
    """The occupied slots of jack2's server registry (empty when there is none)."""
    try:
        data = registry.read_bytes()
    except OSError:
        return []
    if len(data) < _REGISTRY_HEADER or data[:4] != b"KCAJ":
        return []
    hdr_len = int.from_bytes(data[16:20], "little")
    stride = (hdr_len - _REGISTRY_HEADER) // MAX_SERVERS
    found = []
    for slot in range(MAX_SERVERS):
        offset = _REGISTRY_HEADER + slot * stride
        pid = int.from_bytes(data[offset : offset + 4], "little", signed=True)
        raw = data[offset + 4 : offset + stride].split(b"\0")[0].decode(errors="replace")
        match = re.fullmatch(r"jack-(\d+):(.*):", raw)
        if pid <= 0 or match is None:
            continue
        found.append(RegisteredServer(pid, int(match[1]), match[2], _alive(pid)))
    return found


def _alive(pid: int) -> bool:
    """True for a running process (a zombie has ended: it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2 :].split()
    return bool(fields) and fields[0] not in ("Z", "X")


def registry_full() -> bool:
    return len(registered_servers()) >= MAX_SERVERS


def reclaim_dead_servers(
    jackd: str, names: set[str] | None = None, timeout: float = 10.0
) -> list[str]:
    """Free the registry slots of killed servers of this user, the way jack2 itself does:
    a server of the same name starts (taking over the dead slot) and ends cleanly."""
    freed = []
    for entry in registered_servers():
        if entry.alive or entry.uid != os.getuid():
            continue
        if names is not None and entry.server_name not in names:
            continue
        proc = subprocess.Popen(
            [jackd, "-n", entry.server_name, "-r", "-d", "dummy"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while proc.poll() is None and not server_answers(entry.server_name):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        remove_stale_shm(entry.server_name)
        freed.append(entry.server_name)
    return freed
