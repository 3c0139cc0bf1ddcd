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
from dataclasses import dataclass

from stagebox.core.packages import (
    ALSA_PLUGIN_PACKAGES,
    find_alsa_module,
    has_package_db,
    pacman_version,
    read_dpkg_status,
    version_tuple,
)
from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)

PACKAGE_HINT = "libasound2-plugins"  # Debian/Ubuntu name; "alsa-plugins" elsewhere
MODULE_FILE = "libasound_module_pcm_usb_stream.so"
_CARD_ID_SINCE = (1, 2, 5)
_HINT_SINCE = (1, 2, 6)


@dataclass(frozen=True)
class PluginSupport:
    installed: bool | None  # the usb_stream module is there; None = cannot tell
    version: str | None  # e.g. "1.2.7.1-1"; None = unknown
    card_by_id: bool  # card "US122L" works (>= 1.2.5)
    hint_accepted: bool  # a hint { } block is ignored, not rejected (>= 1.2.6)
    source: str  # where this was learned, in plain words


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
    packaged = _packaged_version(root)
    if packaged is not None:
        found, source = packaged
        return support_for_version(found, installed=True, source=source)
    if module is not None:
        return _support_from_binary(root, module)
    if has_package_db(root):
        return PluginSupport(False, None, True, True, "not in the package database")
    # Nothing to go on: assume a current plugin (1.2.5 is from 2021) and let the real
    # alsa-lib check say whether the module loads.
    return PluginSupport(None, None, True, True, "version unknown")


def find_module(root: SystemRoot) -> str | None:
    return find_alsa_module(root, MODULE_FILE)


def _packaged_version(root: SystemRoot) -> tuple[str, str] | None:
    """(version, where it was read) from dpkg or pacman."""
    packages = read_dpkg_status(root, ALSA_PLUGIN_PACKAGES) or {}
    for name in ALSA_PLUGIN_PACKAGES:
        if name in packages:
            return packages[name].version, f"dpkg: {name} {packages[name].version}"
    version = pacman_version(root, "alsa-plugins")
    return (version, f"pacman: alsa-plugins {version}") if version else None


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
