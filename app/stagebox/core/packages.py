"""Installed software, read from the package database under the system root.

dpkg's status file (Debian, Ubuntu and derivatives) or pacman's local database; where
neither exists, callers look for the files themselves (``find_alsa_module``). The ALSA
planner and the readiness checks both ask these questions, so the answers live here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stagebox.core.sysroot import SystemRoot

DPKG_STATUS = "/var/lib/dpkg/status"
PACMAN_DB = "/var/lib/pacman/local"
#: Debian 12 and Debian 13 names of the package that ships alsa-lib's extra plugins.
ALSA_PLUGIN_PACKAGES = ("libasound2-plugins", "libasound2t64-plugins")
#: Where distributions install alsa-lib's plugin modules.
ALSA_PLUGIN_DIRS = (
    "/usr/lib/x86_64-linux-gnu/alsa-lib",
    "/usr/lib/aarch64-linux-gnu/alsa-lib",
    "/usr/lib/arm-linux-gnueabihf/alsa-lib",
    "/usr/lib/i386-linux-gnu/alsa-lib",
    "/usr/lib64/alsa-lib",
    "/usr/lib/alsa-lib",
)


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


def pacman_version(root: SystemRoot, name: str) -> str | None:
    """The installed version of pacman package ``name`` (``1.2.7.1-1``), or None."""
    pattern = re.compile(re.escape(name) + r"-([^-]+-[^-]+)")
    for entry in root.listdir(PACMAN_DB):
        found = pattern.fullmatch(entry)
        if found:
            return found.group(1)
    return None


def has_package_db(root: SystemRoot) -> bool:
    return root.exists(DPKG_STATUS) or root.is_dir(PACMAN_DB)


def find_alsa_module(root: SystemRoot, file_name: str) -> str | None:
    """The path of an alsa-lib plugin module such as ``libasound_module_pcm_usb_stream.so``."""
    for directory in ALSA_PLUGIN_DIRS:
        path = f"{directory}/{file_name}"
        if root.exists(path):
            return path
    return None


def upstream_version(version: str) -> str:
    """``1:1.2.7.1-1ubuntu2`` -> ``1.2.7.1``: epoch and packaging revision dropped."""
    return version.split(":", 1)[-1].split("-", 1)[0]


def version_tuple(version: str) -> tuple[int, ...]:
    """``1:1.2.7.1-1ubuntu2`` -> (1, 2, 7, 1), for comparing versions by their numbers."""
    return tuple(int(n) for n in re.findall(r"\d+", upstream_version(version).split("~")[0]))


def version_at_least(version: str, minimum: str) -> bool:
    """``1.2.10`` >= ``1.2.5`` (numbers, not text)."""
    return version_tuple(version) >= version_tuple(minimum)
