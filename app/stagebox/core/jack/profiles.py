"""Named JACK settings, each optionally bound to one physical device.

A binding names the device by what stays the same across reboots and re-plugging: the USB
id plus the serial number (or, without a serial, the USB port path), or the PCI slot of a
PCI card. Never the ALSA card number: that changes with plug order. When the bound device
is present, :meth:`ProfileStore.match` proposes its profile.

Profiles are JSON files under ``~/.config/stagebox/profiles/``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stagebox.core.atomic import atomic_write
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.jack.settings import JackSettings
from stagebox.core.model import Card, DetectionResult
from stagebox.core.paths import UserPaths

log = logging.getLogger(__name__)

_NAME_OK = re.compile(r"^[\w][\w .+@()-]{0,63}$")


@dataclass(frozen=True)
class DeviceBinding:
    """What identifies one physical device (not its card number)."""

    usb_id: str | None = None
    serial: str | None = None
    port_path: str | None = None  # USB port path ("1-4.2"), used when there is no serial
    pci_slot: str | None = None  # for PCI/PCIe cards ("0000:03:00.0")
    model: str | None = None  # for display only

    @classmethod
    def from_card(cls, card: Card) -> DeviceBinding:
        if card.usb_id:
            return cls(
                usb_id=card.usb_id,
                serial=card.serial,
                port_path=None if card.serial else card.usb_port_path,
                model=card.model or card.name,
            )
        slot = getattr(card, "pci_slot", None)
        if slot:
            return cls(pci_slot=slot, model=card.model or card.name)
        raise InputError(
            f"card {card.id} has neither a USB id nor a PCI slot to remember it by",
            "save the profile without binding it to a device",
        )

    def matches(self, card: Card) -> int:
        """How specifically this binding names ``card``: 0 = not it, higher = surer."""
        if self.pci_slot:
            return 3 if getattr(card, "pci_slot", None) == self.pci_slot else 0
        if not self.usb_id or (card.usb_id or "").lower() != self.usb_id.lower():
            return 0
        if self.serial:
            return 3 if card.serial == self.serial else 0
        if self.port_path:
            return 2 if card.usb_port_path == self.port_path else 0
        return 1

    def describe(self) -> str:
        what = self.model or self.usb_id or self.pci_slot or "device"
        if self.serial:
            return f"{what} (USB {self.usb_id}, serial {self.serial})"
        if self.port_path:
            return f"{what} (USB {self.usb_id} on port {self.port_path})"
        if self.usb_id:
            return f"{what} (USB {self.usb_id})"
        return f"{what} (PCI {self.pci_slot})"


@dataclass
class Profile:
    name: str
    settings: JackSettings
    device: DeviceBinding | None = None
    on_start: str = ""  # hook commands with QjackCtl's macros (%P %N %s %d %i %r %p %n)
    on_stop: str = ""
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "settings": self.settings.to_dict(),
            "device": asdict(self.device) if self.device else None,
            "on_start": self.on_start,
            "on_stop": self.on_stop,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise InputError("a profile needs a name")
        settings = data.get("settings")
        if not isinstance(settings, dict):
            raise InputError(f"profile {data['name']!r} has no settings")
        device = data.get("device")
        binding = None
        if isinstance(device, dict):
            known = DeviceBinding.__dataclass_fields__
            binding = DeviceBinding(**{k: v for k, v in device.items() if k in known})
        return cls(
            name=data["name"],
            settings=JackSettings.from_dict(settings),
            device=binding,
            on_start=str(data.get("on_start") or ""),
            on_stop=str(data.get("on_stop") or ""),
            notes=str(data.get("notes") or ""),
        )


def check_profile_name(name: str) -> str:
    if not _NAME_OK.match(name) or name.strip() != name:
        raise InputError(
            f"profile name {name!r} cannot be used",
            "use up to 64 letters, digits, blanks and . + @ ( ) - (no slash)",
        )
    return name


class ProfileStore:
    def __init__(self, paths: UserPaths) -> None:
        self.paths = paths

    @property
    def directory(self) -> Path:
        return self.paths.config_dir / "profiles"

    def _file(self, name: str) -> Path:
        slug = re.sub(r"[^\w.@()+-]", "_", check_profile_name(name))
        return self.directory / f"{slug}.json"

    def list(self) -> list[Profile]:
        profiles = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                profiles.append(self._load(path))
            except StageboxError as exc:
                log.warning("profile file %s skipped: %s", path, exc.message)
        return sorted(profiles, key=lambda p: p.name.lower())

    def get(self, name: str) -> Profile:
        path = self._file(name)
        if not path.exists():
            known = ", ".join(p.name for p in self.list()) or "none yet"
            raise InputError(
                f"there is no JACK profile called {name!r} (profiles: {known})",
                "save one with `stagebox jack profiles save NAME ...`",
            )
        return self._load(path)

    def save(self, profile: Profile) -> Path:
        path = self._file(profile.name)
        text = json.dumps(profile.to_dict(), indent=2, ensure_ascii=False) + "\n"
        atomic_write(path, text.encode("utf-8"))
        return path

    def delete(self, name: str) -> None:
        path = self._file(name)
        if not path.exists():
            raise InputError(f"there is no JACK profile called {name!r}")
        path.unlink()

    def match(self, result: DetectionResult) -> Profile | None:
        """The profile bound to a device that is present now (the most specific binding)."""
        best: tuple[int, Profile] | None = None
        for profile in self.list():
            if profile.device is None:
                continue
            score = max((profile.device.matches(c) for c in result.cards), default=0)
            if score and (best is None or score > best[0]):
                best = (score, profile)
        return best[1] if best else None

    def _load(self, path: Path) -> Profile:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StageboxError(f"profile file {path} cannot be read: {exc}") from exc
        return Profile.from_dict(data)
