"""ALSA configuration for usb_stream cards (Tascam US-122L family), merged into ~/.asoundrc.

Public API (the CLI and the GUI wizard use these):
* :func:`plan_alsa` -> :class:`AlsaPlan` (diff, explanation, conflicts; reads only),
* :func:`apply_alsa` (backup + atomic write through the change journal),
* :func:`undo_alsa`,
* :func:`validate_pcm` -> :class:`Validation` (the real alsa-lib opens the name).

The names load on first use, so ``stagebox check`` can ask ``alsaconf.plugins`` which
usb_stream plugin is installed without loading the planner and ctypes bindings.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stagebox.core.alsaconf.conflicts import Conflict
    from stagebox.core.alsaconf.plan import AlsaPlan, apply_alsa, plan_alsa, undo_alsa
    from stagebox.core.alsaconf.plugins import PluginSupport, plugin_support
    from stagebox.core.alsaconf.validate import Status, Validation, validate_names, validate_pcm

_HOME_MODULE = {
    "Conflict": "conflicts",
    "AlsaPlan": "plan",
    "apply_alsa": "plan",
    "plan_alsa": "plan",
    "undo_alsa": "plan",
    "PluginSupport": "plugins",
    "plugin_support": "plugins",
    "Status": "validate",
    "Validation": "validate",
    "validate_names": "validate",
    "validate_pcm": "validate",
}

__all__ = [
    "AlsaPlan",
    "Conflict",
    "PluginSupport",
    "Status",
    "Validation",
    "apply_alsa",
    "plan_alsa",
    "plugin_support",
    "undo_alsa",
    "validate_names",
    "validate_pcm",
]


def __getattr__(name: str) -> Any:
    module = _HOME_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
