"""ALSA configuration for usb_stream cards (Tascam US-122L family), merged into ~/.asoundrc.

Public API (the CLI and the GUI wizard use these):
* :func:`plan_alsa` -> :class:`AlsaPlan` (diff, explanation, conflicts; reads only),
* :func:`apply_alsa` (backup + atomic write through the change journal),
* :func:`undo_alsa`,
* :func:`validate_pcm` -> :class:`Validation` (the real alsa-lib opens the name).
"""

from stagebox.core.alsaconf.conflicts import Conflict
from stagebox.core.alsaconf.plan import AlsaPlan, apply_alsa, plan_alsa, undo_alsa
from stagebox.core.alsaconf.plugins import PluginSupport, plugin_support
from stagebox.core.alsaconf.validate import Status, Validation, validate_names, validate_pcm

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
