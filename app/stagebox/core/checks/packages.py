"""Installed software, read from dpkg's status file (Debian, Ubuntu and their derivatives).

Where there is no dpkg database the checks look for the programs' files instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from stagebox.core.checks.base import CheckContext, CheckResult, Status
from stagebox.core.packages import (
    ALSA_PLUGIN_PACKAGES,
    Package,
    read_dpkg_status,
    upstream_version,
)
from stagebox.core.sysroot import SystemRoot

BIN_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")


#: The packages the checks ask about.
CHECKED_PACKAGES = ("jackd2", "jackd1", *ALSA_PLUGIN_PACKAGES)


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
    """Whether the usb_stream plugin is installed, as the ALSA planner sees it."""
    from stagebox.core.alsaconf.plugins import plugin_support

    if "alsa_plugins" not in ctx.cache:
        support = plugin_support(ctx.root)
        version = upstream_version(support.version) if support.version else None
        if support.installed is False:
            reading = "libasound2-plugins is not installed"
        elif support.installed is None:
            reading = "no package database and no ALSA plugin file found"
        else:
            reading = support.source.removeprefix("dpkg: ")
        ctx.cache["alsa_plugins"] = PluginsInstall(support.installed, version, reading)
    plugins: PluginsInstall = ctx.cache["alsa_plugins"]
    return plugins


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
