"""What to do when a sound device comes or goes: the Qt-free half of the tray's hotplug.

udev fires several events per device (the card, each PCM, the control, the hwdep...), so
the tray collects them in an :class:`EventBatch` for a short quiet time and then asks
:func:`decide` once, with a fresh detection of the machine (the live list is the truth, not
the events: peer tools start JACK on vanished devices because they trust a stale list).

The user's answer to "start JACK when this interface is plugged in?" is remembered per
profile in :class:`HotplugChoices` (``$XDG_CONFIG_HOME/stagebox/hotplug.json``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum

from stagebox.core.atomic import atomic_write
from stagebox.core.model import DetectionResult
from stagebox.core.paths import UserPaths

log = logging.getLogger(__name__)

#: Only whole-card events matter; pcmC1D0p, controlC1, hwC1D0 ... are parts of a card.
_CARD_NAME = re.compile(r"^card\d+$")


@dataclass(frozen=True)
class SoundEvent:
    action: str  # udev action: "add", "remove", "change", "bind", ...
    sys_name: str  # e.g. "card1", "pcmC1D0p"


@dataclass
class EventBatch:
    """The card-level events seen during one quiet period."""

    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def add(self, event: SoundEvent) -> bool:
        """Record ``event``; True when it is about a whole card (worth a decision)."""
        if not _CARD_NAME.match(event.sys_name):
            return False
        if event.action == "add":
            self.added.add(event.sys_name)
            self.removed.discard(event.sys_name)
        elif event.action == "remove":
            self.removed.add(event.sys_name)
            self.added.discard(event.sys_name)
        elif event.action == "change":
            # A card that finished initialising announces itself with "change".
            self.added.add(event.sys_name)
        else:
            return False
        return True

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)


class Choice(StrEnum):
    ASK = "ask"
    START = "start"
    NEVER = "never"


class Action(StrEnum):
    NONE = "none"
    START = "start"
    OFFER_START = "offer_start"
    STOP_UNPLUGGED = "stop_unplugged"


@dataclass(frozen=True)
class Decision:
    action: Action
    profile: str | None = None
    device: str | None = None


def decide(
    batch: EventBatch,
    result: DetectionResult,
    *,
    running_device: str | None,
    matched_profile: str | None,
    matched_device: str | None,
    choice: Choice,
) -> Decision:
    """One decision for a settled batch of events.

    ``running_device`` is the device JACK runs on now (None when stopped);
    ``matched_profile``/``matched_device`` the saved profile that fits the machine as it is now.
    """
    present = {c.jack_device for c in result.cards if c.jack_device}
    if running_device is not None:
        if running_device not in present:
            return Decision(Action.STOP_UNPLUGGED, device=running_device)
        return Decision(Action.NONE)
    if not batch.added or matched_profile is None or matched_device not in present:
        return Decision(Action.NONE)
    if choice is Choice.START:
        return Decision(Action.START, matched_profile, matched_device)
    if choice is Choice.ASK:
        return Decision(Action.OFFER_START, matched_profile, matched_device)
    return Decision(Action.NONE)


class HotplugChoices:
    """The user's remembered answers, per profile name."""

    def __init__(self, paths: UserPaths) -> None:
        self.file = paths.config_dir / "hotplug.json"

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s: %s", self.file, exc)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, profile: str) -> Choice:
        try:
            return Choice(self._load().get(profile, Choice.ASK))
        except ValueError:
            return Choice.ASK

    def set(self, profile: str, choice: Choice) -> None:
        data = self._load()
        data[profile] = choice.value
        atomic_write(self.file, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


class UdevSoundEvents:
    """udev "sound" events as a readable file descriptor (for the tray's socket notifier).

    ``read_events`` never blocks: it drains what the kernel queued since the last call.
    """

    def __init__(self, source: str = "udev") -> None:
        import pyudev

        self.monitor = pyudev.Monitor.from_netlink(pyudev.Context(), source=source)
        self.monitor.filter_by("sound")
        self.monitor.start()

    def fileno(self) -> int:
        return int(self.monitor.fileno())

    def read_events(self) -> list[SoundEvent]:
        events = []
        while (device := self.monitor.poll(timeout=0)) is not None:
            events.append(SoundEvent(str(device.action), str(device.sys_name)))
        return events
