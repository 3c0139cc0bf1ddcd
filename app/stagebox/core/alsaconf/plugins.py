"""Which alsa-plugins (the ``usb_stream`` PCM plugin) is installed, and what it accepts.

Two releases matter for the config Stagebox writes (alsa-plugins git history):
* 1.2.5 (d594c4a, "use snd_config_get_card()"): ``card`` may be a card id (``"US122L"``);
  before, only a card number written as a string (``"1"``) worked.
* 1.2.6 (afa8e0a, "ignore hint section"): a ``hint`` block is accepted; before, it was an
  "Unknown field".

The version comes from the package database (dpkg, pacman) under the system root; when
there is none, the plugin binary itself tells: 1.2.5+ imports ``snd_config_get_card`` and
1.2.6+ contains the string ``hint``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)

PACKAGE_HINT = "libasound2-plugins"  # Debian/Ubuntu name; "alsa-plugins" elsewhere
MODULE_FILE = "libasound_module_pcm_usb_stream.so"
_CARD_ID_SINCE = (1, 2, 5)
_HINT_SINCE = (1, 2, 6)
_PLUGIN_DIRS = (
    "/usr/lib/x86_64-linux-gnu/alsa-lib",
    "/usr/lib/aarch64-linux-gnu/alsa-lib",
    "/usr/lib/arm-linux-gnueabihf/alsa-lib",
    "/usr/lib/i386-linux-gnu/alsa-lib",
    "/usr/lib64/alsa-lib",
    "/usr/lib/alsa-lib",
)
_DPKG_NAMES = ("libasound2-plugins", "libasound2t64-plugins")


@dataclass(frozen=True)
class PluginSupport:
    installed: bool | None  # the usb_stream module is there; None = cannot tell
    version: str | None  # e.g. "1.2.7.1-1"; None = unknown
    card_by_id: bool  # card "US122L" works (>= 1.2.5)
    hint_accepted: bool  # a hint { } block is ignored, not rejected (>= 1.2.6)
    source: str  # where this was learned, in plain words


def version_tuple(version: str) -> tuple[int, ...]:
    """``1:1.2.7.1-1ubuntu2`` -> (1, 2, 7, 1): epoch and packaging revision dropped."""
    upstream = version.split(":", 1)[-1].split("-", 1)[0]
    numbers = re.findall(r"\d+", upstream.split("~")[0])
    return tuple(int(n) for n in numbers)


def support_for_version(
    version: str, *, installed: bool | None = True, source: str = ""
) -> PluginSupport:
    numbers = version_tuple(version)
    return PluginSupport(
        installed=installed,
        version=version,
        card_by_id=numbers >= _CARD_ID_SINCE,
        hint_accepted=numbers >= _HINT_SINCE,
        source=source or f"alsa-plugins {version} (given)",
    )


def plugin_support(root: SystemRoot, version: str | None = None) -> PluginSupport:
    """What the installed usb_stream plugin accepts; ``version`` overrides the lookup."""
    if version is not None:
        return support_for_version(version)
    module = find_module(root)
    packaged = _dpkg_version(root) or _pacman_version(root)
    if packaged is not None:
        found, source = packaged
        return support_for_version(found, installed=True, source=source)
    if module is not None:
        return _support_from_binary(root, module)
    if _has_package_db(root):
        return PluginSupport(False, None, True, True, "not in the package database")
    # Nothing to go on: assume a current plugin (1.2.5 is from 2021) and let the real
    # alsa-lib check say whether the module loads.
    return PluginSupport(None, None, True, True, "version unknown")


def find_module(root: SystemRoot) -> str | None:
    for directory in _PLUGIN_DIRS:
        path = f"{directory}/{MODULE_FILE}"
        if root.exists(path):
            return path
    return None


def _dpkg_version(root: SystemRoot) -> tuple[str, str] | None:
    status = root.path("/var/lib/dpkg/status")
    try:
        with open(status, encoding="utf-8", errors="replace") as handle:
            stanza: dict[str, str] = {}
            for line in handle:
                if not line.strip():
                    found = _installed_plugins(stanza)
                    if found:
                        return found, f"dpkg: {stanza['Package']} {found}"
                    stanza = {}
                elif not line[0].isspace() and ":" in line:
                    key, _, value = line.partition(":")
                    stanza[key] = value.strip()
            found = _installed_plugins(stanza)
            return (found, f"dpkg: {stanza['Package']} {found}") if found else None
    except OSError:
        return None


def _installed_plugins(stanza: dict[str, str]) -> str | None:
    if stanza.get("Package") in _DPKG_NAMES and stanza.get("Status", "").endswith(" installed"):
        return stanza.get("Version")
    return None


def _pacman_version(root: SystemRoot) -> tuple[str, str] | None:
    for name in root.listdir("/var/lib/pacman/local"):
        if re.fullmatch(r"alsa-plugins-[^-]+-[^-]+", name):
            version = name[len("alsa-plugins-") :]
            return version, f"pacman: alsa-plugins {version}"
    return None


def _has_package_db(root: SystemRoot) -> bool:
    return root.exists("/var/lib/dpkg/status") or root.is_dir("/var/lib/pacman/local")


def _support_from_binary(root: SystemRoot, module: str) -> PluginSupport:
    try:
        data = root.path(module).read_bytes()
    except OSError as exc:
        log.debug("cannot read %s: %s", module, exc)
        return PluginSupport(True, None, True, True, f"{module} (unreadable)")
    return PluginSupport(
        installed=True,
        version=None,
        card_by_id=b"snd_config_get_card\0" in data,
        hint_accepted=b"\0hint\0" in data,
        source=f"the plugin file {module}",
    )
