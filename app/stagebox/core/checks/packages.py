"""Installed software, read from dpkg's status file (Debian, Ubuntu and their derivatives).

Where there is no dpkg database the checks look for the programs' files instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stagebox.core.checks.base import CheckContext, CheckResult, Status
from stagebox.core.sysroot import SystemRoot

DPKG_STATUS = "/var/lib/dpkg/status"
PACMAN_DB = "/var/lib/pacman/local"
PLUGIN_PACKAGES = ("libasound2-plugins", "libasound2t64-plugins")  # Debian 12, Debian 13
#: Where distributions install alsa-lib's plugin modules.
ALSA_PLUGIN_DIRS = (
    "/usr/lib/x86_64-linux-gnu/alsa-lib",
    "/usr/lib/aarch64-linux-gnu/alsa-lib",
    "/usr/lib/arm-linux-gnueabihf/alsa-lib",
    "/usr/lib/i386-linux-gnu/alsa-lib",
    "/usr/lib64/alsa-lib",
    "/usr/lib/alsa-lib",
)
USB_STREAM_MODULE = "libasound_module_pcm_usb_stream.so"
BIN_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    source_version: str | None = None


def read_dpkg_status(
    root: SystemRoot, names: Iterable[str] | None = None
) -> dict[str, Package] | None:
    """Installed packages by name (only ``names`` when given), or None without a dpkg database.

    The status file of a desktop holds thousands of stanzas; only the wanted ones are parsed.
    """
    real = root.resolve(DPKG_STATUS)
    if real is None:
        return None
    try:
        text = root.path(real).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    wanted = set(names) if names is not None else None
    packages: dict[str, Package] = {}
    for stanza in text.split("\n\n"):
        stanza = stanza.lstrip("\n")
        if wanted is not None:
            first = stanza.partition("\n")[0]
            if not first.startswith("Package: ") or first[9:].strip() not in wanted:
                continue
        fields = _fields(stanza)
        name, version = fields.get("Package"), fields.get("Version")
        if not name or not version or not fields.get("Status", "").endswith(" installed"):
            continue
        source = re.search(r"\(([^)]+)\)", fields.get("Source", ""))
        packages[name] = Package(name, version, source.group(1) if source else None)
    return packages


def _fields(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in stanza.splitlines():
        if line and not line[0].isspace() and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


#: The packages the checks ask about.
CHECKED_PACKAGES = ("jackd2", "jackd1", *PLUGIN_PACKAGES)


def installed(ctx: CheckContext) -> dict[str, Package] | None:
    if "dpkg" not in ctx.cache:
        ctx.cache["dpkg"] = read_dpkg_status(ctx.root, CHECKED_PACKAGES)
    packages: dict[str, Package] | None = ctx.cache["dpkg"]
    return packages


def can_see_programs(root: SystemRoot) -> bool:
    """Whether the tree has program directories at all (a fake proc+sys tree has none)."""
    return any(root.is_dir(directory) for directory in BIN_DIRS)


def find_program(root: SystemRoot, name: str) -> str | None:
    """The path of an installed program, looked up in the usual bin directories."""
    for directory in BIN_DIRS:
        path = f"{directory}/{name}"
        if root.exists(path):
            return path
    return None


@dataclass(frozen=True)
class PluginsInstall:
    """Whether alsa-plugins (with the usb_stream PCM) is installed, and which version."""

    installed: bool | None  # None: no package database and no plugin file to go on
    version: str | None  # upstream version, e.g. "1.2.7.1"; None when unknown
    reading: str


def alsa_plugins(ctx: CheckContext) -> PluginsInstall:
    """Read from dpkg or pacman; else the plugin file tells "installed, version unknown".

    (The alsa helper's ``alsaconf.plugins`` knows more, but importing it loads the whole ALSA
    planner, which would cost ``stagebox check`` a quarter of its time budget.)
    """
    packages = installed(ctx)
    for name in PLUGIN_PACKAGES:
        if packages and name in packages:
            version = packages[name].version
            return PluginsInstall(True, _upstream(version), f"{name} {version}")
    for entry in ctx.root.listdir(PACMAN_DB):
        found = re.fullmatch(r"alsa-plugins-([^-]+)-[^-]+", entry)
        if found:
            return PluginsInstall(True, found.group(1), f"alsa-plugins {found.group(1)} (pacman)")
    module = next(
        (
            f"{d}/{USB_STREAM_MODULE}"
            for d in ALSA_PLUGIN_DIRS
            if ctx.root.exists(f"{d}/{USB_STREAM_MODULE}")
        ),
        None,
    )
    if module:
        return PluginsInstall(True, None, f"{module} (version unknown)")
    if packages is not None or ctx.root.is_dir(PACMAN_DB):
        return PluginsInstall(False, None, "libasound2-plugins is not installed")
    return PluginsInstall(None, None, "no package database and no ALSA plugin file found")


def _upstream(version: str) -> str:
    """``1:1.2.7.1-1ubuntu2`` -> ``1.2.7.1``."""
    return version.split(":", 1)[-1].rsplit("-", 1)[0]


def version_at_least(version: str, minimum: str) -> bool:
    """Compare dotted upstream versions by their numbers (``1.2.10`` > ``1.2.5``)."""

    def numbers(text: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", text.split("~")[0]))

    return numbers(version) >= numbers(minimum)


# -- the checks --------------------------------------------------------------------------


def check_jackd(ctx: CheckContext) -> CheckResult:
    why = "Stagebox runs your interface through the JACK server (jackd); without it nothing can start."
    title = "JACK server installed"
    packages = installed(ctx)
    for name in ("jackd2", "jackd1"):
        if packages and name in packages:
            reading = f"{name} {packages[name].version}"
            return CheckResult("packages.jackd", title, Status.OK, reading, why)
    program = find_program(ctx.root, "jackd")
    if program:
        return CheckResult("packages.jackd", title, Status.OK, f"found {program}", why)
    if packages is None and not can_see_programs(ctx.root):
        return CheckResult(
            "packages.jackd",
            title,
            Status.NOT_APPLICABLE,
            "cannot tell: no package database and no program directories here",
            why,
        )
    fix = (
        "sudo apt install jackd2"
        if packages is not None
        else "install the jack2 package with your distribution's package manager"
    )
    return CheckResult(
        "packages.jackd", title, Status.PROBLEM, "jackd is not installed", why, fix, needs_root=True
    )


def alsa_plugins_fix(ctx: CheckContext) -> str:
    if installed(ctx) is not None:
        return "sudo apt install libasound2-plugins"
    return "install alsa-plugins with your distribution's package manager"


def check_alsa_plugins(ctx: CheckContext) -> CheckResult:
    from stagebox.core.checks.device import usb_stream_devices

    why = (
        "The usb_stream PCM that Tascam US-122L/US-144 interfaces need comes from the ALSA "
        "plugins package."
    )
    title = "ALSA plugins installed"
    support = alsa_plugins(ctx)
    reading = support.reading
    if support.installed:
        return CheckResult("packages.alsa_plugins", title, Status.OK, reading, why)
    needing = usb_stream_devices(ctx)
    if not needing or support.installed is None:
        who = f"{', '.join(needing)} needs them" if needing else "no connected interface needs them"
        return CheckResult(
            "packages.alsa_plugins", title, Status.NOT_APPLICABLE, f"{reading}; {who}", why
        )
    return CheckResult(
        "packages.alsa_plugins",
        title,
        Status.PROBLEM,
        f"{reading}, but {', '.join(needing)} needs it",
        why,
        alsa_plugins_fix(ctx),
        needs_root=True,
    )
