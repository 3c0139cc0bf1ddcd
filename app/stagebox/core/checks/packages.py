"""Installed software, read from dpkg's status file (Debian, Ubuntu and their derivatives).

Where there is no dpkg database the checks look for the programs' files instead, and say the
version is unknown. Version comparison follows dpkg's rules (epoch, upstream, revision, ``~``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.checks.base import CheckContext, CheckResult, Status
from stagebox.core.sysroot import SystemRoot

DPKG_STATUS = "/var/lib/dpkg/status"
BIN_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")
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


def find_alsa_plugin(root: SystemRoot, module: str = USB_STREAM_MODULE) -> str | None:
    for directory in ALSA_PLUGIN_DIRS:
        path = f"{directory}/{module}"
        if root.exists(path):
            return path
    return None


# -- Debian version comparison (dpkg's verrevcmp) -----------------------------------------


def _order(char: str) -> int:
    if char.isdigit():
        return 0
    if char.isalpha():
        return ord(char)
    if char == "~":
        return -1
    return ord(char) + 256 if char else 0


def _verrevcmp(a: str, b: str) -> int:
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) else 0
            bc = _order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        first_diff = 0
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def _split(version: str) -> tuple[int, str, str]:
    epoch, _, rest = version.partition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return (int(epoch) if epoch.isdigit() else 0), upstream, revision


def compare_versions(a: str, b: str) -> int:
    """<0, 0 or >0 as Debian version ``a`` is older than, equal to or newer than ``b``."""
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return ea - eb
    return _verrevcmp(ua, ub) or _verrevcmp(ra, rb)


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


def alsa_plugins_version(ctx: CheckContext) -> tuple[bool, str | None, str]:
    """(installed, Debian version or None, what was read)."""
    packages = installed(ctx)
    if packages and "libasound2-plugins" in packages:
        version = packages["libasound2-plugins"].version
        return True, version, f"libasound2-plugins {version}"
    module = find_alsa_plugin(ctx.root)
    if module:
        return True, None, f"found {module} (version unknown: no dpkg database)"
    return False, None, "libasound2-plugins is not installed"


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
    present, _version, reading = alsa_plugins_version(ctx)
    if present:
        return CheckResult("packages.alsa_plugins", title, Status.OK, reading, why)
    needing = usb_stream_devices(ctx)
    if not needing:
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
