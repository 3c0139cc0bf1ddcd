"""The detection result: what ``stagebox detect --json`` publishes.

This is a published contract (issue #4 gives the schema). Keys may be added; none may be
removed or change meaning. ``None`` means "cannot be known from this input", never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from stagebox.core.plain import plain_dataclass

SCHEMA_VERSION = 1


class AlsaState(StrEnum):
    LOADED = "loaded"
    NOT_LOADED = "not_loaded"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    INTERFACE = "interface"
    ONBOARD = "onboard"
    HDMI = "hdmi"
    MIDI_ONLY = "midi_only"
    WEBCAM_OR_HEADSET = "webcam_or_headset"
    OTHER = "other"


#: A kind in a few words, inside sentences ("card 0 HDMI (HDMI/DisplayPort output)").
KIND_WORDS = {
    Kind.ONBOARD: "built-in sound",
    Kind.HDMI: "HDMI/DisplayPort output",
    Kind.MIDI_ONLY: "MIDI device",
    Kind.WEBCAM_OR_HEADSET: "webcam/headset",
    Kind.OTHER: "other sound device",
    Kind.INTERFACE: "audio interface",
}


class Access(StrEnum):
    HW = "hw"  # an ordinary ALSA PCM: JACK opens hw:<card id>
    USB_STREAM = "usb_stream"  # snd-usb-us122l: only through the alsa-plugins usb_stream PCM
    NONE = "none"  # no audio path (MIDI only, no PCM, firmware missing)


#: The values of ``Card.usb_speed`` / ``UsbAudioWithoutCard.speed``, in words.
USB_SPEED_TEXT = {
    "low": "USB 1.0 low speed",
    "full": "USB 1.1 full speed",
    "high": "USB 2.0 high speed",
    "super": "USB 3 SuperSpeed",
    "super_plus": "USB 3 SuperSpeed+",
}


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass
class Card:
    index: int
    id: str
    driver: str | None
    name: str | None
    longname: str | None
    module: str | None
    usb_id: str | None
    model: str | None
    kind: Kind
    access: Access
    playback: bool | None
    capture: bool | None
    jack_device: str | None
    # -- extensions (beyond the schema; additive) --
    family: str | None = None  # knowledge-base entry key
    usb_speed: str | None = None
    controller: str | None = None  # PCI address of the USB host controller
    usb_port_path: str | None = None
    serial: str | None = None
    # what the card is in words when its kind says too little ("PCI sound card"); None: the kind
    description: str | None = None
    # other kinds the card may be, the input cannot tell which (HD-Audio Generic: ["hdmi"]);
    # empty: its kind is certain
    kind_alternatives: list[Kind] = field(default_factory=list)
    # most channels of one stream (snd-usb-audio's stream files); None: not shown
    capture_channels: int | None = None
    playback_channels: int | None = None
    # PCI address of the card itself ("0000:04:00.0"), where an lspci in the input shows the
    # one PCI device its driver drives; None for USB cards and when not shown
    pci_slot: str | None = None

    @property
    def kind_certain(self) -> bool:
        return not self.kind_alternatives


def usable_for_jack(card: Card) -> bool:
    """JACK can open the card for audio (a JACK device and an audio path)."""
    return card.jack_device is not None and card.access is not Access.NONE


@dataclass
class Recommendation:
    """The card JACK should use, and why, in one plain sentence (an audio interface only)."""

    card: int
    jack_device: str
    reason: str


@dataclass
class UsbAudioWithoutCard:
    usb_id: str
    model: str | None
    reason: str
    # -- extensions --
    family: str | None = None
    speed: str | None = None
    controller: str | None = None
    port_path: str | None = None


@dataclass
class Finding:
    code: str
    severity: Severity
    card: int | None
    message: str
    fix: str | None = None
    # -- extension: the USB id the finding is about when there is no card --
    usb_id: str | None = None


@dataclass
class DetectionResult:
    alsa: AlsaState
    kernel: str | None
    cards: list[Card] = field(default_factory=list)
    usb_audio_without_card: list[UsbAudioWithoutCard] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    source: str = "live"  # extension: "live" | "capture"
    # extensions: the interface JACK should use (None: no audio interface JACK can open), and
    # every card JACK can open, best first (interfaces, built-in sound, then the rest)
    recommended: Recommendation | None = None
    jack_order: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = plain_dataclass(self)
        data["schema"] = SCHEMA_VERSION
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectionResult:
        return cls(
            alsa=AlsaState(data["alsa"]),
            kernel=data.get("kernel"),
            cards=[_card(c) for c in data.get("cards", [])],
            usb_audio_without_card=[
                UsbAudioWithoutCard(**_known(UsbAudioWithoutCard, u))
                for u in data.get("usb_audio_without_card", [])
            ],
            findings=[
                Finding(**{**_known(Finding, f), "severity": Severity(f["severity"])})
                for f in data.get("findings", [])
            ],
            source=data.get("source", "live"),
            recommended=Recommendation(**_known(Recommendation, data["recommended"]))
            if data.get("recommended")
            else None,
            jack_order=[int(i) for i in data.get("jack_order", [])],
        )

    # Small queries the CLI, the wizard and the other features share.
    def card(self, index: int) -> Card | None:
        return next((c for c in self.cards if c.index == index), None)

    def interfaces(self) -> list[Card]:
        """The audio interfaces, the one JACK should use first (see ``jack_order``)."""
        return [c for c in self.ranked() if c.kind is Kind.INTERFACE]

    def ranked(self) -> list[Card]:
        """Every card, those JACK can open best first (``jack_order``), then the others by
        index."""
        place = {index: n for n, index in enumerate(self.jack_order)}
        return sorted(self.cards, key=lambda c: (place.get(c.index, len(place)), c.index))

    def recommended_card(self) -> Card | None:
        return self.card(self.recommended.card) if self.recommended else None

    def findings_for(self, card: int | None) -> list[Finding]:
        return [f for f in self.findings if f.card == card]

    def has_finding(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)


def _card(data: dict[str, Any]) -> Card:
    known = _known(Card, data)
    known["kind"] = Kind(known["kind"])
    known["kind_alternatives"] = [Kind(k) for k in known.get("kind_alternatives", [])]
    known["access"] = Access(known["access"])
    return Card(**known)


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}
