"""Installed software, read from dpkg's status file (Debian, Ubuntu and their derivatives).

Where there is no dpkg database the checks look for the programs' files instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.checks.base import CheckContext, CheckResult, Status
from stagebox.core.sysroot import SystemRoot

DPKG_STATUS = "/var/lib/dpkg/status"
BIN_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    source_version: str | None = None


def read_dpkg_status(root: SystemRoot) -> dict[str, Package] | None:
    """Installed packages by name, or None when the tree has no dpkg database."""
    real = root.resolve(DPKG_STATUS)
    if real is None:
        return None
    try:
        text = root.path(real).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    packages: dict[str, Package] = {}
    for stanza in text.split("\n\n"):
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


def installed(ctx: CheckContext) -> dict[str, Package] | None:
    if "dpkg" not in ctx.cache:
        ctx.cache["dpkg"] = read_dpkg_status(ctx.root)
    packages: dict[str, Package] | None = ctx.cache["dpkg"]
    return packages


def find_program(root: SystemRoot, name: str) -> str | None:
    """The path of an installed program, looked up in the usual bin directories."""
    for directory in BIN_DIRS:
        path = f"{directory}/{name}"
        if root.exists(path):
            return path
    return None


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
    from stagebox.core.alsaconf.plugins import plugin_support
    from stagebox.core.checks.device import usb_stream_devices

    why = (
        "The usb_stream PCM that Tascam US-122L/US-144 interfaces need comes from the ALSA "
        "plugins package."
    )
    title = "ALSA plugins installed"
    support = plugin_support(ctx.root)
    reading = support.source if support.installed else "libasound2-plugins is not installed"
    if support.installed:
        return CheckResult("packages.alsa_plugins", title, Status.OK, reading, why)
    if support.installed is None:
        reading = "cannot tell whether the ALSA plugins are installed (no package database)"
    needing = usb_stream_devices(ctx)
    if not needing or support.installed is None:
        return CheckResult(
            "packages.alsa_plugins",
            title,
            Status.NOT_APPLICABLE,
            reading + "; no connected interface needs it",
            why,
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
